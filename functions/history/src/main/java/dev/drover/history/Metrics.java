package dev.drover.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the read side answers: the records the history functions serialize. */
public final class Metrics {
    private Metrics() {
    }

    /** Counts by status, from the rollups. */
    public record Totals(String migrationId, Runs runs, Steps steps, Candidates candidates) {
    }

    /** {@code active} = started - completed - cancelled: runs in flight or waiting on a failed step. */
    public record Runs(long started, long completed, long cancelled, long active) {
    }

    /** Dispatches (retries included), retries, and how dispatches ended. */
    public record Steps(long dispatched, long retried, long succeeded, long merged, long failed) {
    }

    /** Candidates added and updated by discovery submissions. */
    public record Candidates(long submissions, long added, long updated) {
    }

    /** Runs completed in one bucket [start, start + bucket), and in total up to its end. */
    public record CompletionPoint(Instant start, long completed, long cumulative) {
    }

    /**
     * How one step's finished dispatches went. Durations are from dispatch to the migrator's final
     * report; {@code p95Ms} is read from a 5%-wide log histogram (within 5% of the exact value).
     */
    public record StepStats(String migrationId, String step, long count, long averageMs, long p95Ms, long failed,
                            double failureRate, Map<String, Long> byStatus) {
    }

    /** A failed step dispatch and what the migrator (or the deadline) said. */
    public record Failure(long id, Instant at, String migrationId, String candidateId, String runId, int attempt,
                          String step, int dispatch, String message, Map<String, String> metadata) {
    }

    /** One audit log entry. */
    public record AuditEntry(long id, Instant at, String actor, String action, String migrationId, String candidateId,
                             String runId, String source, Map<String, String> detail) {
    }

    /** A page of the audit log, newest first; {@code nextCursor} is null on the last page. */
    public record AuditPage(List<AuditEntry> items, String nextCursor) {
    }

    /** Filters of the audit log; empty fields do not filter. */
    public record AuditFilter(String migrationId, String candidateId, String actor, String action) {
    }
}
