package dev.drover.workflows.rollout;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A rollout: starts the runs of a selection of candidates within a concurrency cap, a rate, waves and a failure
 * budget. The workflow id is the rollout id. Runs it started signal {@value #RUN_ENDED} when they end; operator
 * actions are updates whose validators refuse what does not apply now (with a {@link RolloutRefusal} code).
 */
@WorkflowInterface
public interface Rollout {
    String RUN_ENDED = "runEnded";

    @WorkflowMethod
    void run(RolloutState state);

    @SignalMethod(name = RUN_ENDED)
    void runEnded(RunEnd end);

    @UpdateMethod
    String pause(String actor);

    @UpdateValidatorMethod(updateName = "pause")
    void validatePause(String actor);

    @UpdateMethod
    String resume(String actor);

    @UpdateValidatorMethod(updateName = "resume")
    void validateResume(String actor);

    @UpdateMethod
    String promote(String actor);

    @UpdateValidatorMethod(updateName = "promote")
    void validatePromote(String actor);

    @UpdateMethod
    String abort(String actor);

    @UpdateValidatorMethod(updateName = "abort")
    void validateAbort(String actor);
}
