package dev.drover.bench;

import dev.drover.contract.model.Step;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.run.StepStatus;
import dev.drover.workflows.CandidateRun;
import dev.drover.workflows.CandidateRunWorkflow;
import dev.drover.workflows.RunActivities;
import dev.drover.workflows.RunPlan;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * RunBench's {@code shape} half: Drover's own run workflow ({@link CandidateRunWorkflow}, with a run plan and callbacks as
 * the local stack's no-op migration makes them, a step deadline as {@code DROVER_STEP_DEADLINE}'s default gives each
 * step) on the floor's harness, its activities doing nothing but answering: the dispatch sends the step's callback as an
 * update from outside, as the floor's does. Against the floor, it says what Drover's workflow costs Temporal beyond the
 * step shape itself (its payloads, its validator, its version markers); against the {@code drover} half, what everything
 * around the workflow costs (Redis, HTTP hops, signatures, the history, the stand-ins, the migrator).
 */
final class RunShape {
    private static final String MIGRATION = "bench-runs";
    private static final String APP = "bench-migrator";

    private RunShape() {
    }

    /** The run's steps, as the no-op migrator announces them, with the deadline every step gets by default. */
    static List<Step> steps(int count) {
        List<Step> steps = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            steps.add(new Step("step-" + i, "", APP, "noop", Map.of("deadline", "P7D")));
        }
        return List.copyOf(steps);
    }

    static void register(Worker worker, WorkflowClient client, ExecutorService callbacks) {
        worker.registerWorkflowImplementationTypes(CandidateRunWorkflow.class);
        worker.registerActivitiesImplementations(new RunActivities() {
            @Override
            public void dispatch(RunPlan plan, int stepIndex, int dispatch) {
                Callback callback = new Callback(plan.steps().get(stepIndex).name(), dispatch, CallbackStatus.SUCCEEDED, Map.of(),
                                                 "nothing to change", null, plan.candidateId());
                callbacks.submit(() -> client.newWorkflowStub(CandidateRun.class, plan.runId()).callback(callback, null));
            }

            @Override
            public void awaitOperator(RunPlan plan, int stepIndex, int dispatch) {
            }

            @Override
            public void record(RunPlan plan, String stepName, int dispatch, StepStatus status, Map<String, String> metadata, String message) {
            }

            @Override
            public void complete(RunPlan plan) {
            }

            @Override
            public void cancel(RunPlan plan) {
            }

            @Override
            public void tellRollout(RunPlan plan, String outcome) {
            }
        });
    }

    static void start(WorkflowClient client, String queue, String runId, int candidate, List<Step> steps) {
        RunPlan plan = new RunPlan(runId, MIGRATION, "c-%06d".formatted(candidate), 1, steps);
        WorkflowClient.start(client.newWorkflowStub(CandidateRun.class, WorkflowOptions.newBuilder().setTaskQueue(queue)
                .setWorkflowId(runId).build())::run, plan);
    }
}
