package dev.drover.workflows;

import dev.drover.contract.model.Step;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.StepStatus;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import dev.drover.workflows.rollout.Rollout;
import dev.drover.workflows.rollout.RunEnd;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a candidate's steps in order. For each: dispatch (an activity marks it and publishes its event),
 * then wait for the migrator's callbacks; {@code pending} keeps waiting, {@code succeeded}/{@code merged}
 * moves on, {@code failed} (or a passed deadline) waits for an operator's retry or cancel.
 * <p>
 * Callbacks change the in-memory step status at once (so the next callback is validated against it)
 * and queue their effect; the main loop persists queued effects in order through activities. A callback
 * that arrives while the dispatch activity is still running is therefore queued, not lost.
 */
public final class CandidateRunWorkflow implements CandidateRun {
    /** Dispatching must never be dropped: retried with backoff for as long as the run lives. */
    private static final RetryOptions RETRY = RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofMinutes(1))
            .build();
    // Each activity is one publish or a few Redis commands; when a worker dies mid-activity, this is how long the
    // run waits before the activity is tried again.
    private static final Duration ACTIVITY_TIMEOUT = Duration.ofSeconds(15);

    /**
     * The dispatch activity, and every activity of runs started before local activities (below), which replay with the
     * activities they ran with. On cancel the run abandons a running activity rather than cancelling it: activities are
     * short and idempotent, and each checks in Redis that its run still owns the candidate before writing or
     * publishing, so a late one changes nothing and the cleanup does not race an activity cancellation.
     */
    public static final ActivityOptions ACTIVITIES = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(ACTIVITY_TIMEOUT)
            .setCancellationType(ActivityCancellationType.ABANDON)
            .setRetryOptions(RETRY)
            .build();

    /**
     * Every activity but the dispatch (and a manual step's wait for an operator) runs as a local activity, inside the workflow task that asks for it: a step costs
     * two workflow tasks and one activity task (the callback's task records it and schedules the next dispatch; the
     * dispatch's completion wakes the run) instead of three and two, and the history keeps a marker with the result
     * instead of the activity's scheduling, start and completion (ADR 0019). The arguments stay out of the marker: they
     * are the run's plan, already in the history once. Retries stay local (the worker keeps the workflow task open
     * meanwhile) for as long as the run lives: a retry moved onto a workflow timer would be lost if the run were
     * cancelled during its backoff, and a local activity is not interrupted by a cancel anyway (it finishes, then the
     * run's cleanup runs). A local activity with unlimited attempts and no schedule-to-close timeout is not retried at
     * all (Temporal's Java SDK reads that as "no retry policy"), hence the timeout of ten years.
     * <p>
     * The dispatch stays an activity: it publishes the step event, and the run must be known to wait for that step
     * before the migrator can answer. A local activity publishes before its workflow task is saved; a worker dying
     * then loses the task, the run replays still waiting for the previous step, and the migrator's callback for the
     * new one is refused as not current (WorkerReplacementTest caught it). Marking a manual step as waiting for an
     * operator stays an activity for the same reason: the operator answers what the console shows.
     */
    private static final Duration AS_LONG_AS_THE_RUN = Duration.ofDays(3650);
    public static final LocalActivityOptions LOCAL_ACTIVITIES = LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(ACTIVITY_TIMEOUT)
            .setScheduleToCloseTimeout(AS_LONG_AS_THE_RUN)
            .setLocalRetryThreshold(AS_LONG_AS_THE_RUN)
            .setDoNotIncludeArgumentsIntoMarker(true)
            .setRetryOptions(RETRY)
            .build();

    private final RunActivities dispatcher = Workflow.newActivityStub(RunActivities.class, ACTIVITIES);
    private RunActivities activities;
    private final RunPlan plan;
    private final Deque<Callback> inbox = new ArrayDeque<>();
    private final Set<String> applied = new HashSet<>();
    private int current = -1;
    private int dispatch;
    private StepStatus status = StepStatus.NOT_STARTED;
    private boolean retryRequested;

    @WorkflowInit
    public CandidateRunWorkflow(RunPlan plan) {
        this.plan = plan;
    }

    @Override
    public void run(RunPlan plan) {
        activities = Workflow.getVersion("local-activities", Workflow.DEFAULT_VERSION, 1) == 1
                ? Workflow.newLocalActivityStub(RunActivities.class, LOCAL_ACTIVITIES)
                : dispatcher;
        try {
            for (int i = 0; i < plan.steps().size(); i++) {
                current = i;
                dispatch = 1;
                runStep(plan.steps().get(i));
            }
            activities.complete(plan);
            tellRollout(RunEnd.SUCCEEDED);
        } catch (RuntimeException e) {
            if (CancellationScope.current().isCancelRequested()) {
                // The run's own scope is cancelled; cleanup needs a scope of its own to run at all.
                Workflow.newDetachedCancellationScope(() -> {
                    activities.cancel(plan);
                    tellRollout(RunEnd.CANCELLED);
                }).run();
            }
            throw e;
        }
    }

    private void runStep(Step step) {
        long deadlineAt = dispatchStep(step);
        while (true) {
            if (!awaitWork(deadlineAt)) {
                status = StepStatus.FAILED;
                activities.record(plan, step.name(), dispatch, StepStatus.FAILED, Map.of(), "deadline of "
                        + step.config().get(Deadlines.CONFIG_KEY) + " passed before the migrator reported the step done");
                tellRollout(RunEnd.FAILED);
                continue;
            }
            while (!inbox.isEmpty()) {
                Callback callback = inbox.removeFirst();
                activities.record(plan, callback.stepName(), callback.dispatch(), callback.status().stepStatus(),
                                  callback.metadata(), callback.message());
                if (callback.status().stepStatus() == StepStatus.FAILED) {
                    tellRollout(RunEnd.FAILED);
                }
            }
            if (status.done()) {
                return;
            }
            if (retryRequested) {
                retryRequested = false;
                deadlineAt = dispatchStep(step);
            }
        }
    }

    /** Dispatches the current step; returns when its deadline passes (MAX_VALUE for none). */
    private long dispatchStep(Step step) {
        Optional<Duration> deadline;
        try {
            deadline = Deadlines.of(step);
        } catch (IllegalArgumentException e) {
            // Nothing a migrator does can fix a malformed deadline: fail the step without dispatching it.
            status = StepStatus.FAILED;
            activities.record(plan, step.name(), dispatch, StepStatus.FAILED, Map.of(), e.getMessage());
            tellRollout(RunEnd.FAILED);
            return Long.MAX_VALUE;
        }
        // A manual step goes to no migrator: it waits for an operator's completion (ADR 0013). The version marker keeps
        // runs started before this existed (a step typed "manual" was dispatched then) replaying as they ran.
        if (Step.manual(step) && Workflow.getVersion("manual-steps", Workflow.DEFAULT_VERSION, 1) == 1) {
            status = StepStatus.PENDING;
            dispatcher.awaitOperator(plan, current, dispatch);
        } else {
            status = StepStatus.DISPATCHED;
            dispatcher.dispatch(plan, current, dispatch);
        }
        return deadline.map(d -> Workflow.currentTimeMillis() + d.toMillis()).orElse(Long.MAX_VALUE);
    }

    /** Waits for a callback or a retry; false when the step's deadline passed first (only while it is in progress). */
    private boolean awaitWork(long deadlineAt) {
        if (!status.inProgress() || deadlineAt == Long.MAX_VALUE) {
            Workflow.await(() -> !inbox.isEmpty() || retryRequested);
            return true;
        }
        long remaining = deadlineAt - Workflow.currentTimeMillis();
        return remaining > 0 && Workflow.await(Duration.ofMillis(remaining), () -> !inbox.isEmpty() || retryRequested);
    }

    /**
     * Tells the rollout that started this run (if one did) how the run came out, so the rollout learns it without
     * polling. A rollout that has ended (aborted, completed) cannot be told: that is fine, it no longer counts.
     * <p>
     * A local activity tells it, with the worker's client (issue 16). The workflow used to signal the rollout itself,
     * and a workflow's signal is delivered only while the workflow still runs (Temporal drops it once the sender has
     * closed), so the run waited for the delivery: one more workflow task, replaying its whole history, before it could
     * end. Runs that signalled that way replay as they ran.
     */
    private void tellRollout(String outcome) {
        if (plan.rolloutId() == null) {
            return;
        }
        if (Workflow.getVersion("rollout-told-by-activity", Workflow.DEFAULT_VERSION, 1) == 1) {
            activities.tellRollout(plan, outcome);
            return;
        }
        try {
            Workflow.newUntypedExternalWorkflowStub(plan.rolloutId())
                    .signal(Rollout.RUN_ENDED, new RunEnd(plan.candidateId(), plan.runId(), outcome));
        } catch (RuntimeException e) {
            Workflow.getLogger(CandidateRunWorkflow.class).info("rollout " + plan.rolloutId() + " was not told: " + e.getMessage());
        }
    }

    @Override
    public void validateCallback(Callback callback, String operator) {
        if (applied.contains(dedupeKey(callback, operator))) {
            return; // a redelivery: accepted, and answered as not applied
        }
        int index = stepIndex(callback.stepName());
        if (index < 0) {
            throw refuse(RefusalCodes.UNKNOWN_STEP, "this run has no step '" + callback.stepName() + "'");
        }
        if (index != current) {
            throw refuse(RefusalCodes.NOT_CURRENT_STEP, "step '" + callback.stepName() + "' is not the current step"
                    + (current >= 0 ? " ('" + plan.steps().get(current).name() + "' is)" : ""));
        }
        if (operator == null && Step.manual(plan.steps().get(index)) && status == StepStatus.PENDING) {
            throw refuse(RefusalCodes.MANUAL_STEP, "step '" + callback.stepName() + "' is manual: an operator completes it");
        }
        if (callback.dispatch() != dispatch) {
            throw refuse(RefusalCodes.STALE_DISPATCH, "the callback answers dispatch " + callback.dispatch()
                    + " of step '" + callback.stepName() + "', but the step is at dispatch " + dispatch);
        }
        // An operator may also finish a failed step by hand (its change was merged outside the migrator's knowledge).
        boolean finishesFailed = operator != null && status == StepStatus.FAILED && callback.status().stepStatus().done();
        if (!status.inProgress() && !finishesFailed) {
            throw refuse(RefusalCodes.STEP_NOT_IN_PROGRESS, "step '" + callback.stepName() + "' is " + status.wire()
                    + (operator != null ? "; an operator completes a step in progress, or marks a failed one done"
                                             : ", not waiting for its migrator"));
        }
    }

    @Override
    public CallbackOutcome callback(Callback callback, String operator) {
        if (!applied.add(dedupeKey(callback, operator))) {
            return new CallbackOutcome(false, status);
        }
        status = callback.status().stepStatus();
        inbox.addLast(callback);
        return new CallbackOutcome(true, status);
    }

    @Override
    public void validateRetryStep() {
        if (status != StepStatus.FAILED) {
            throw refuse(RefusalCodes.NO_FAILED_STEP, current < 0 ? "the run has not dispatched a step yet"
                    : "step '" + plan.steps().get(current).name() + "' is " + status.wire() + "; only a failed step is retried");
        }
    }

    @Override
    public RunProgress retryStep() {
        dispatch++;
        status = StepStatus.DISPATCHED;
        retryRequested = true;
        return progress();
    }

    @Override
    public RunProgress progress() {
        return new RunProgress(current < 0 ? null : plan.steps().get(current).name(), status, dispatch);
    }

    /** Two deliveries of the same callback have the same key; the second one changes nothing. */
    private static String dedupeKey(Callback callback, String operator) {
        return callback.stepName() + '\u0000' + callback.dispatch() + '\u0000' + callback.status().wire() + '\u0000'
                + new TreeMap<>(callback.metadata()) + '\u0000' + callback.message() + '\u0000' + operator;
    }

    private int stepIndex(String name) {
        for (int i = 0; i < plan.steps().size(); i++) {
            if (plan.steps().get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static ApplicationFailure refuse(String code, String message) {
        return RefusalCodes.failure(code, message);
    }
}
