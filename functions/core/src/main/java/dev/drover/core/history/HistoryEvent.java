package dev.drover.core.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One thing that happened to a migration. {@code key} identifies it: writing an event whose key is
 * already stored changes nothing, so a retried activity records it once. Fields that do not apply
 * to the kind are null.
 *
 * @param attempt  the run's attempt (1 for a candidate's first start)
 * @param dispatch the step's dispatch within the run (1, then +1 per retry)
 * @param status   a step's status (succeeded, merged, failed, pending) where the kind has one
 */
public record HistoryEvent(String key,
                           EventKind kind,
                           Instant at,
                           String migrationId,
                           String candidateId,
                           String runId,
                           Integer attempt,
                           String stepName,
                           Integer dispatch,
                           String status,
                           Duration duration,
                           String message,
                           Map<String, String> metadata) {
    public HistoryEvent {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static HistoryEvent runStarted(String runId, String migrationId, String candidateId, int attempt, Instant at) {
        return new HistoryEvent(runId + "/started", EventKind.RUN_STARTED, at, migrationId, candidateId, runId, attempt,
                                null, null, null, null, null, Map.of());
    }

    public static HistoryEvent runEnded(EventKind kind, String runId, String migrationId, String candidateId, int attempt,
                                        Instant at, Duration duration) {
        if (kind != EventKind.RUN_COMPLETED && kind != EventKind.RUN_CANCELLED) {
            throw new IllegalArgumentException(kind + " does not end a run");
        }
        return new HistoryEvent(runId + "/" + kind.wire(), kind, at, migrationId, candidateId, runId, attempt,
                                null, null, kind == EventKind.RUN_COMPLETED ? "completed" : "cancelled", duration, null, Map.of());
    }

    public static HistoryEvent stepDispatched(String runId, String migrationId, String candidateId, int attempt,
                                              String step, int dispatch, Instant at) {
        return new HistoryEvent(runId + "/" + step + "/" + dispatch + "/dispatched", EventKind.STEP_DISPATCHED, at,
                                migrationId, candidateId, runId, attempt, step, dispatch, "dispatched", null, null, Map.of());
    }

    public static HistoryEvent stepRetried(String runId, String migrationId, String candidateId, int attempt,
                                           String step, int dispatch, Instant at) {
        return new HistoryEvent(runId + "/" + step + "/" + dispatch + "/retried", EventKind.STEP_RETRIED, at,
                                migrationId, candidateId, runId, attempt, step, dispatch, null, null, null, Map.of());
    }

    /**
     * A migrator's report on a dispatch. Ending statuses (succeeded, merged, failed) are one event per
     * dispatch; progress reports are keyed by their content too, so each different report is kept.
     */
    public static HistoryEvent stepReported(String runId, String migrationId, String candidateId, int attempt,
                                            String step, int dispatch, String status, boolean ends, Duration duration,
                                            String message, Map<String, String> metadata, Instant at) {
        String key = runId + "/" + step + "/" + dispatch + "/" + status;
        if (!ends) {
            key += "/" + Integer.toHexString(java.util.Objects.hash(new java.util.TreeMap<>(metadata), message));
        }
        return new HistoryEvent(key, ends ? EventKind.STEP_COMPLETED : EventKind.STEP_PROGRESS, at, migrationId,
                                candidateId, runId, attempt, step, dispatch, status, ends ? duration : null, message, metadata);
    }

    /** A discovery submission; {@code submission} is unique per request (functions are not retried). */
    public static HistoryEvent candidatesSubmitted(String submission, String migrationId, long added, long updated,
                                                   long unchanged, long untouched, Instant at) {
        return new HistoryEvent(submission, EventKind.CANDIDATES_SUBMITTED, at, migrationId, null, null, null, null, null,
                                null, null, null, Map.of("added", Long.toString(added), "updated", Long.toString(updated),
                                                         "unchanged", Long.toString(unchanged),
                                                         "untouched", Long.toString(untouched)));
    }
}
