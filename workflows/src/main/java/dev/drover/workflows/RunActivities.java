package dev.drover.workflows;

import dev.drover.contract.run.StepStatus;
import io.temporal.activity.ActivityInterface;

import java.util.Map;

/** Every side effect of a run: Redis writes, publishing step events, reading the clock, telling its rollout. */
@ActivityInterface
public interface RunActivities {
    /** Marks the step dispatched (the candidate running) and publishes its step event. Idempotent. */
    void dispatch(RunPlan plan, int stepIndex, int dispatch);

    /**
     * Marks a manual step waiting for an operator ({@code pending}, metadata {@code waitingFor: operator}; the candidate
     * running) and publishes nothing: no migrator executes it. Idempotent.
     */
    void awaitOperator(RunPlan plan, int stepIndex, int dispatch);

    /** Persists what happened to a step: a callback's status, metadata and message, or a passed deadline. */
    void record(RunPlan plan, String stepName, int dispatch, StepStatus status, Map<String, String> metadata, String message);

    /** The last step is done: the run and the candidate are completed. */
    void complete(RunPlan plan);

    /** The run was cancelled: the candidate goes back to not started; the attempt stays recorded. */
    void cancel(RunPlan plan);

    /**
     * Tells the rollout that started the run how it came out ({@code RunEnd}'s outcomes). Telling it twice is harmless:
     * a rollout counts a run's end only while that run is in flight.
     */
    void tellRollout(RunPlan plan, String outcome);
}
