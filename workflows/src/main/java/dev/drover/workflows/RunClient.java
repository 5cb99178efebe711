package dev.drover.workflows;

import dev.drover.contract.run.Callback;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** How functions drive runs: start, call back, retry, cancel. A thin layer over Temporal's client. */
public final class RunClient {
    public static final String TASK_QUEUE = "drover-runs";

    private final WorkflowClient client;

    public RunClient(WorkflowClient client) {
        this.client = client;
    }

    /** The connection to Temporal, for the rollout client (which drives its workflows through the same one). */
    public WorkflowClient workflowClient() {
        return client;
    }

    /**
     * Connects now, as a first call would: loads the Temporal API's message descriptors, opens the channel and asks the
     * server's capabilities (which the SDK asks once, before its first call). A run function does it as it starts, so
     * that its first request does not pay it, and so that its image's AOT cache, trained against a Temporal, holds what
     * it loads (ADR 0017).
     *
     * @throws RunsUnavailable when Temporal does not answer within the SDK's system-info timeout
     */
    public void connect() {
        available(() -> client.getWorkflowServiceStubs().getServerCapabilities().get());
    }

    /** @throws RunsUnavailable when Temporal does not answer */
    public void start(RunPlan plan) {
        CandidateRun run = client.newWorkflowStub(CandidateRun.class, WorkflowOptions.newBuilder()
                .setTaskQueue(TASK_QUEUE)
                .setWorkflowId(plan.runId())
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                .build());
        available(() -> WorkflowClient.start(run::run, plan));
    }

    /** Applies a migrator's callback. @throws RunRefused as {@link #callback(String, Callback, String)} */
    public CallbackOutcome callback(String runId, Callback callback) {
        return callback(runId, callback, null);
    }

    /**
     * Applies a migrator's callback ({@code operator} null) or an operator's completion by hand.
     *
     * @throws RunRefused when the run refuses the callback (stale, unknown step, ...) or has ended
     */
    public CallbackOutcome callback(String runId, Callback callback, String operator) {
        Callback withoutToken = callback.withoutToken();
        return refusable(() -> stub(runId).callback(withoutToken, operator));
    }

    /** @throws RunRefused when no step is failed or the run has ended */
    public RunProgress retryStep(String runId) {
        return refusable(() -> stub(runId).retryStep());
    }

    /** Where a running run is. */
    public RunProgress progress(String runId) {
        return available(() -> stub(runId).progress());
    }

    /** Asks the run to cancel; its cleanup (candidate back to not started) runs in the workflow. */
    public void cancel(String runId) {
        try {
            available(() -> {
                client.newUntypedWorkflowStub(runId).cancel();
                return null;
            });
        } catch (WorkflowNotFoundException e) {
            throw new RunRefused(RunRefused.RUN_ENDED, "run '" + runId + "' has already ended");
        }
    }

    /**
     * Whether Temporal still runs the run's workflow: false when it has none under that id or it has closed
     * (completed, failed, terminated, timed out...). For the reconciler.
     *
     * @throws RunsUnavailable when Temporal does not answer (nothing can be concluded then)
     */
    public boolean isOpen(String runId) {
        try {
            var response = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
                    io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(runId))
                            .build());
            return response.getWorkflowExecutionInfo().getStatus()
                    == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                return false;
            }
            throw new RunsUnavailable("Temporal did not answer: " + e.getMessage(), e);
        }
    }

    /** Waits up to {@code timeout} for the run to end (completed, cancelled or failed); true when it did. */
    public boolean awaitEnd(String runId, Duration timeout) {
        WorkflowStub stub = client.newUntypedWorkflowStub(runId);
        try {
            stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, Void.class);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (WorkflowException e) {
            return true; // ended otherwise than by completing, for example cancelled
        }
    }

    /** Runs a Temporal call; a transport failure becomes {@link RunsUnavailable}. */
    private static <T> T available(Supplier<T> call) {
        try {
            return call.get();
        } catch (WorkflowServiceException | StatusRuntimeException e) {
            throw new RunsUnavailable("Temporal did not answer: " + e.getMessage(), e);
        }
    }

    private CandidateRun stub(String runId) {
        return client.newWorkflowStub(CandidateRun.class, runId);
    }

    private static <T> T refusable(Supplier<T> update) {
        try {
            return available(update);
        } catch (WorkflowUpdateException e) {
            if (e.getCause() instanceof ApplicationFailure failure) {
                RefusalCodes.refusal(failure).ifPresent(refusal -> {
                    throw refusal;
                });
            }
            throw e;
        } catch (WorkflowNotFoundException e) {
            throw new RunRefused(RunRefused.RUN_ENDED, "the run has already ended");
        }
    }
}
