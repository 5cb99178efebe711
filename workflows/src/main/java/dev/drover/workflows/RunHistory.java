package dev.drover.workflows;

import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.history.EventKind;
import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.OutboxEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The history entries of the run's activities, as outbox text: each is handed to the Redis script of the
 * state change it records, which appends it to the history outbox in the same step (ADR 0008), so a
 * state change is never kept without its event nor an event without its change. Every event is keyed
 * by the run, step and dispatch it belongs to, so an activity Temporal retries is persisted once.
 */
final class RunHistory {
    private RunHistory() {
    }

    static String dispatched(RunPlan plan, String step, int dispatch, Instant at) {
        HistoryEvent dispatched = HistoryEvent.stepDispatched(plan.runId(), plan.migrationId(), plan.candidateId(),
                                                              plan.attempt(), step, dispatch, at);
        return OutboxEntry.encode(dispatch > 1
                ? List.of(HistoryEvent.stepRetried(plan.runId(), plan.migrationId(), plan.candidateId(), plan.attempt(),
                                                   step, dispatch, at), dispatched)
                : List.of(dispatched));
    }

    /** A report on a dispatch; {@code dispatchedAt} is when the dispatch began (its duration runs from there). */
    static String reported(RunPlan plan, StepState state, StepStatus status, Map<String, String> metadata, String message,
                           Instant dispatchedAt, Instant at) {
        boolean ends = status.done() || status == StepStatus.FAILED;
        Duration duration = dispatchedAt == null ? Duration.ZERO : Duration.between(dispatchedAt, at);
        return OutboxEntry.encode(HistoryEvent.stepReported(plan.runId(), plan.migrationId(), plan.candidateId(), plan.attempt(),
                                                            state.name(), state.dispatches(), status.wire(), ends, duration,
                                                            message, metadata, at));
    }

    static String ended(RunRecord run, EventKind kind, Instant at) {
        return OutboxEntry.encode(HistoryEvent.runEnded(kind, run.runId(), run.migrationId(), run.candidateId(), run.attempt(), at,
                                                        run.startedAt() == null ? null : Duration.between(run.startedAt(), at)));
    }
}
