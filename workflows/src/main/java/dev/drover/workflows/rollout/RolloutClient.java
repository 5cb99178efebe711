package dev.drover.workflows.rollout;

import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunsUnavailable;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * How functions drive rollouts: start one, and the operator's pause, resume, promote and abort (Temporal updates); and
 * how a run's activity tells its rollout that the run ended (a signal).
 */
public final class RolloutClient {
    /** A continuation takes milliseconds: a few tries, a little apart, before a rollout still open is given up. */
    private static final int CALL_ATTEMPTS = 20;
    private static final Duration CALL_PAUSE = Duration.ofMillis(25);

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
        try {
            return available(() -> whileOpen(rolloutId, () -> {
                Rollout rollout = runs.workflowClient().newWorkflowStub(Rollout.class, rolloutId);
                return switch (action) {
                    case "pause" -> rollout.pause(actor);
                    case "resume" -> rollout.resume(actor);
                    case "promote" -> rollout.promote(actor);
                    case "abort" -> rollout.abort(actor);
                    default -> throw new IllegalArgumentException("unknown rollout action " + action);
                };
            }));
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
            whileOpen(rolloutId, () -> {
                runs.workflowClient().newUntypedWorkflowStub(rolloutId).signal(Rollout.RUN_ENDED, end);
                return null;
            });
        } catch (WorkflowNotFoundException e) {
            // ended (completed or aborted) since it started the run
        }
    }

    /**
     * Calls the rollout by its workflow id, again while "not found" comes from a rollout still open. Temporal's
     * in-process server closes a run that continues as new before it registers the next, and a call by workflow id in
     * between is answered "not found" (a real cluster does both in one transaction): a run's end told then was lost,
     * and the rollout stood still until its reconcile (RolloutBench, 1 in 10,000 runs; ADR 0019's night addendum).
     */
    private <T> T whileOpen(String rolloutId, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (WorkflowNotFoundException e) {
                if (attempt == CALL_ATTEMPTS || !open(rolloutId)) {
                    throw e;
                }
            }
            try {
                Thread.sleep(CALL_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while calling rollout " + rolloutId, e);
            }
        }
    }

    /** Whether the rollout's latest run is running or has continued as new (its next run about to be registered). */
    private boolean open(String rolloutId) {
        WorkflowClient client = runs.workflowClient();
        WorkflowExecutionStatus status;
        try {
            status = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                    DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(rolloutId))
                            .build()).getWorkflowExecutionInfo().getStatus();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return false; // Temporal knows no such rollout (any more)
            }
            throw e;
        }
        return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
                || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;
    }

    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (WorkflowServiceException | StatusRuntimeException e) {
            throw new RunsUnavailable("Temporal did not answer: " + e.getMessage(), e);
        }
    }
}
