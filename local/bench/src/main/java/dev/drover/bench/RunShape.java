package dev.drover.bench;

import dev.drover.contract.model.Step;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.run.StepStatus;
import dev.drover.workflows.CandidateRun;
import dev.drover.workflows.CandidateRunWorkflow;
import dev.drover.workflows.RunActivities;
import dev.drover.workflows.RunPlan;
import dev.drover.workflows.StepDeadlines;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;

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
    private RunShape() {
    }

    /**
     * Registers the run workflow and its answering activities; returns how a run is started: with the no-op migration's
     * {@code steps} steps, each with the deadline {@code DROVER_STEP_DEADLINE} gives by default, as a start would plan it.
     */
    static RunBench.Starter register(Worker worker, WorkflowClient client, ExecutorService callbacks, String queue, int steps) {
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
        List<Step> planned = StepDeadlines.withDefault(LocalBench.noopSteps(RunBench.APP, steps), StepDeadlines.fromEnvironment(Map.of()));
        return (runId, index) -> WorkflowClient.start(client.newWorkflowStub(CandidateRun.class, WorkflowOptions.newBuilder()
                .setTaskQueue(queue).setWorkflowId(runId).build())::run, new RunPlan(runId, RunBench.MIGRATION, RunBench.candidateId(index), 1, planned));
    }
}
