package dev.drover.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One run of one candidate: its steps in order, each dispatched to its migrator and awaited.
 * Callbacks and retries are Temporal updates, so a refused one is answered to the caller synchronously
 * (with a {@link RefusalCodes} type) and never enters the run's history.
 */
@WorkflowInterface
public interface CandidateRun {
    @WorkflowMethod
    void run(RunPlan plan);

    @UpdateMethod
    CallbackOutcome callback(StepCallback callback);

    @UpdateValidatorMethod(updateName = "callback")
    void validateCallback(StepCallback callback);

    /** Re-dispatches the failed step. */
    @UpdateMethod
    RunProgress retryStep();

    @UpdateValidatorMethod(updateName = "retryStep")
    void validateRetryStep();

    @QueryMethod
    RunProgress progress();
}
