package dev.drover.workflows;

import dev.drover.core.run.RunRecord;
import dev.drover.core.run.StepState;
import dev.drover.core.run.StepStatus;
import dev.drover.history.EventKind;
import dev.drover.history.HistoryEvent;
import dev.drover.history.HistoryRecorder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the run's activities tell the history. Every event is keyed by the run, step and dispatch it
 * belongs to, so an activity Temporal retries records it once; the recorder never throws, so history
 * never fails a run.
 */
final class RunHistory {
    private final HistoryRecorder recorder;

    RunHistory(HistoryRecorder recorder) {
        this.recorder = recorder;
    }

    void dispatched(RunPlan plan, String step, int dispatch, Instant at) {
        HistoryEvent dispatched = HistoryEvent.stepDispatched(plan.runId(), plan.migrationId(), plan.candidateId(),
                                                              plan.attempt(), step, dispatch, at);
        recorder.recordAll(dispatch > 1
                ? List.of(HistoryEvent.stepRetried(plan.runId(), plan.migrationId(), plan.candidateId(), plan.attempt(),
                                                   step, dispatch, at), dispatched)
                : List.of(dispatched));
    }

    /** A report on a dispatch; {@code dispatchedAt} is when the dispatch began (its duration runs from there). */
    void reported(RunPlan plan, StepState state, StepStatus status, Map<String, String> metadata, String message,
                  Instant dispatchedAt, Instant at) {
        boolean ends = status.done() || status == StepStatus.FAILED;
        Duration duration = dispatchedAt == null ? Duration.ZERO : Duration.between(dispatchedAt, at);
        recorder.record(HistoryEvent.stepReported(plan.runId(), plan.migrationId(), plan.candidateId(), plan.attempt(),
                                                  state.name(), state.dispatches(), status.wire(), ends, duration,
                                                  message, metadata, at));
    }

    void ended(RunRecord run, EventKind kind, Instant at) {
        recorder.record(HistoryEvent.runEnded(kind, run.runId(), run.migrationId(), run.candidateId(), run.attempt(), at,
                                              run.startedAt() == null ? null : Duration.between(run.startedAt(), at)));
    }
}
