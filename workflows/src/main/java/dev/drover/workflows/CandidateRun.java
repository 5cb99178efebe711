package dev.drover.workflows;

import dev.drover.contract.run.Callback;
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

    /**
     * Applies a callback (its token was checked before, and is not in it) or, with {@code operator} set to who, an
     * operator's completion of the step by hand; an operator may also finish a failed step and a manual step.
     */
    @UpdateMethod
    CallbackOutcome callback(Callback callback, String operator);

    @UpdateValidatorMethod(updateName = "callback")
    void validateCallback(Callback callback, String operator);

    /** Re-dispatches the failed step. */
    @UpdateMethod
    RunProgress retryStep();

    @UpdateValidatorMethod(updateName = "retryStep")
    void validateRetryStep();

    @QueryMethod
    RunProgress progress();
}
