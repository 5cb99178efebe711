package dev.drover.workflows.rollout;

import dev.drover.core.rollout.RolloutSpec;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunsUnavailable;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;

import java.util.function.Supplier;

/**
 * How functions drive rollouts: start one, and the operator's pause, resume, promote and abort (Temporal updates); and
 * how a run's activity tells its rollout that the run ended (a signal).
 */
public final class RolloutClient {
    private final RunClient runs;

    /** Through the run client's connection: a function that drives rollouts uses Temporal as a run function does. */
    public RolloutClient(RunClient runs) {
        this.runs = runs;
    }

    /** @throws RunsUnavailable when Temporal does not answer */
    public void start(RolloutSpec spec, RolloutState state) {
        WorkflowClient client = runs.workflowClient();
        Rollout rollout = client.newWorkflowStub(Rollout.class, WorkflowOptions.newBuilder()
                .setTaskQueue(RunClient.TASK_QUEUE)
                .setWorkflowId(spec.rolloutId())
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                .build());
        available(() -> WorkflowClient.start(rollout::run, state));
    }

    /**
     * Applies an operator's action ("pause", "resume", "promote" or "abort").
     *
     * @throws RolloutRefusal when the rollout refuses it now, or has ended
     * @throws RunsUnavailable when Temporal does not answer
     */
    public String act(String rolloutId, String action, String actor) {
        Rollout rollout = runs.workflowClient().newWorkflowStub(Rollout.class, rolloutId);
        try {
            return available(() -> switch (action) {
                case "pause" -> rollout.pause(actor);
                case "resume" -> rollout.resume(actor);
                case "promote" -> rollout.promote(actor);
                case "abort" -> rollout.abort(actor);
                default -> throw new IllegalArgumentException("unknown rollout action " + action);
            });
        } catch (WorkflowUpdateException e) {
            if (e.getCause() instanceof ApplicationFailure failure) {
                RolloutRefusal.of(failure).ifPresent(refusal -> {
                    throw refusal;
                });
            }
            throw e;
        } catch (WorkflowNotFoundException e) {
            throw new RolloutRefusal(RolloutRefusal.ENDED, "the rollout has ended");
        }
    }

    /**
     * Tells a rollout how one of its runs ended (the run's activity calls this). A rollout that has ended is not told:
     * it no longer counts. Anything else (Temporal unreachable) is thrown, and the activity tries again.
     */
    public void tell(String rolloutId, RunEnd end) {
        try {
            runs.workflowClient().newUntypedWorkflowStub(rolloutId).signal(Rollout.RUN_ENDED, end);
        } catch (WorkflowNotFoundException e) {
            // ended (completed or aborted) since it started the run
        }
    }

    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (WorkflowServiceException | StatusRuntimeException e) {
            throw new RunsUnavailable("Temporal did not answer: " + e.getMessage(), e);
        }
    }
}
