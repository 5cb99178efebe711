package dev.drover.history;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.history.Metrics.AuditEntry;
import dev.drover.history.Metrics.AuditFilter;
import dev.drover.history.Metrics.AuditPage;
import dev.drover.history.Metrics.CompletionPoint;
import dev.drover.history.Metrics.Failure;
import dev.drover.history.Metrics.StepStats;
import dev.drover.history.Metrics.Totals;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The read side. Every query reads rollups or walks an index from its newest end with a limit, so its
 * cost depends on the number of migrations, steps, hours asked for or rows returned, never on how
 * many events the history holds. An empty migration id means all migrations.
 */
public final class HistoryQueries {
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };
    private static final long HOUR_MS = 3_600_000L;

    private final DbClient db;

    HistoryQueries(DbClient db) {
        this.db = db;
    }

    public Totals totals(Optional<String> migrationId) {
        Map<String, Long> n = new HashMap<>();
        try (Stream<DbRow> rows = migrationId.isPresent()
                ? db.execute().query("SELECT kind, status, n FROM history_totals WHERE migration_id = ?", migrationId.get())
                : db.execute().query("SELECT kind, status, SUM(n) AS n FROM history_totals GROUP BY kind, status")) {
            rows.forEach(row -> n.put(string(row, "kind") + "/" + string(row, "status"), number(row, "n")));
        }
        long started = n.getOrDefault("run_started/", 0L);
        long completed = n.getOrDefault("run_completed/completed", 0L);
        long cancelled = n.getOrDefault("run_cancelled/cancelled", 0L);
        long submissions = n.getOrDefault("candidates_submitted/", 0L);
        return new Totals(migrationId.orElse(null),
                          new Metrics.Runs(started, completed, cancelled, Math.max(0, started - completed - cancelled)),
                          new Metrics.Steps(n.getOrDefault("step_dispatched/dispatched", 0L), n.getOrDefault("step_retried/", 0L),
                                            n.getOrDefault("step_completed/succeeded", 0L), n.getOrDefault("step_completed/merged", 0L),
                                            n.getOrDefault("step_completed/failed", 0L)),
                          new Metrics.Candidates(submissions, n.getOrDefault("candidates_submitted/added", 0L),
                                                 n.getOrDefault("candidates_submitted/updated", 0L)));
    }

    /**
     * Completed runs per bucket over [from, to), every bucket present (zero when nothing completed).
     * {@code bucket} is an hour or a day (UTC); from and to are aligned down to it.
     */
    public List<CompletionPoint> completions(Optional<String> migrationId, Duration bucket, Instant from, Instant to) {
        long size = bucket.toMillis();
        long start = Math.floorDiv(from.toEpochMilli(), size) * size;
        long end = Math.floorDiv(to.toEpochMilli() + size - 1, size) * size;
        long before;
        Map<Long, Long> perBucket = new TreeMap<>();
        if (migrationId.isPresent()) {
            before = db.execute().get("SELECT SUM(n) AS n FROM history_completions WHERE migration_id = ? AND hour_ms < ?",
                                      migrationId.get(), start).map(row -> number(row, "n")).orElse(0L);
            try (Stream<DbRow> rows = db.execute().query(
                    "SELECT hour_ms, n FROM history_completions WHERE migration_id = ? AND hour_ms >= ? AND hour_ms < ?",
                    migrationId.get(), start, end)) {
                rows.forEach(row -> perBucket.merge(Math.floorDiv(number(row, "hour_ms"), size) * size, number(row, "n"), Long::sum));
            }
        } else {
            before = db.execute().get("SELECT SUM(n) AS n FROM history_completions WHERE hour_ms < ?", start)
                    .map(row -> number(row, "n")).orElse(0L);
            try (Stream<DbRow> rows = db.execute().query(
                    "SELECT hour_ms, SUM(n) AS n FROM history_completions WHERE hour_ms >= ? AND hour_ms < ? GROUP BY hour_ms",
                    start, end)) {
                rows.forEach(row -> perBucket.merge(Math.floorDiv(number(row, "hour_ms"), size) * size, number(row, "n"), Long::sum));
            }
        }
        List<CompletionPoint> points = new ArrayList<>();
        long cumulative = before;
        for (long at = start; at < end; at += size) {
            long completed = perBucket.getOrDefault(at, 0L);
            cumulative += completed;
            points.add(new CompletionPoint(Instant.ofEpochMilli(at), completed, cumulative));
        }
        return points;
    }

    /** Per step (of one migration, or of every migration): count, average, p95 and failure rate of finished dispatches. */
    public List<StepStats> steps(Optional<String> migrationId) {
        record Key(String migrationId, String step) {
        }
        Map<Key, Map<String, long[]>> stats = new TreeMap<>(
                java.util.Comparator.comparing(Key::migrationId).thenComparing(Key::step));
        String where = migrationId.isPresent() ? " WHERE migration_id = ?" : "";
        Object[] params = migrationId.map(id -> new Object[] {id}).orElse(new Object[0]);
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT migration_id, step_name, status, n, total_ms FROM history_step_stats" + where, params)) {
            rows.forEach(row -> stats.computeIfAbsent(new Key(string(row, "migration_id"), string(row, "step_name")),
                                                      k -> new TreeMap<>())
                    .put(string(row, "status"), new long[] {number(row, "n"), number(row, "total_ms")}));
        }
        Map<Key, List<long[]>> histograms = new HashMap<>();
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT migration_id, step_name, bucket, n FROM history_step_durations" + where
                        + " ORDER BY migration_id, step_name, bucket", params)) {
            rows.forEach(row -> histograms.computeIfAbsent(new Key(string(row, "migration_id"), string(row, "step_name")),
                                                           k -> new ArrayList<>())
                    .add(new long[] {number(row, "bucket"), number(row, "n")}));
        }
        List<StepStats> result = new ArrayList<>();
        stats.forEach((key, byStatus) -> {
            long count = byStatus.values().stream().mapToLong(v -> v[0]).sum();
            long total = byStatus.values().stream().mapToLong(v -> v[1]).sum();
            long failed = byStatus.getOrDefault("failed", new long[2])[0];
            Map<String, Long> counts = new LinkedHashMap<>();
            byStatus.forEach((status, v) -> counts.put(status, v[0]));
            result.add(new StepStats(key.migrationId(), key.step(), count, count == 0 ? 0 : total / count,
                                     percentile(histograms.getOrDefault(key, List.of()), count, 0.95), failed,
                                     count == 0 ? 0 : (double) failed / count, counts));
        });
        return result;
    }

    private static long percentile(List<long[]> histogram, long count, double q) {
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (long[] bucket : histogram) {
            seen += bucket[1];
            if (seen >= rank) {
                return DurationBuckets.upperBound((int) bucket[0]);
            }
        }
        return 0;
    }

    /** The most recent failed step dispatches, newest first. */
    public List<Failure> failures(Optional<String> migrationId, int limit) {
        String columns = "SELECT id, at_ms, migration_id, candidate_id, run_id, attempt, step_name, dispatch, message, metadata "
                + "FROM history_events WHERE ";
        try (Stream<DbRow> rows = migrationId.isPresent()
                ? db.execute().query(columns + "migration_id = ? AND status = 'failed' ORDER BY id DESC LIMIT ?", migrationId.get(), limit)
                : db.execute().query(columns + "status = 'failed' ORDER BY id DESC LIMIT ?", limit)) {
            return rows.map(row -> new Failure(number(row, "id"), Instant.ofEpochMilli(number(row, "at_ms")),
                                               string(row, "migration_id"), string(row, "candidate_id"), string(row, "run_id"),
                                               (int) number(row, "attempt"), string(row, "step_name"),
                                               (int) number(row, "dispatch"), string(row, "message"), map(string(row, "metadata"))))
                    .toList();
        }
    }

    /** One page of the audit log, newest first, after the cursor of the previous page. */
    public AuditPage audit(AuditFilter filter, Optional<String> cursor, int limit) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, at_ms, actor, action, migration_id, candidate_id, run_id, source, detail FROM history_actions WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (filter.migrationId() != null) {
            sql.append(" AND migration_id = ?");
            params.add(filter.migrationId());
        }
        if (filter.candidateId() != null) {
            sql.append(" AND candidate_id = ?");
            params.add(filter.candidateId());
        }
        if (filter.actor() != null) {
            sql.append(" AND actor = ?");
            params.add(filter.actor());
        }
        if (filter.action() != null) {
            sql.append(" AND action = ?");
            params.add(filter.action());
        }
        if (cursor.isPresent()) {
            sql.append(" AND id < ?");
            params.add(decodeCursor(cursor.get()));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit + 1);
        List<AuditEntry> items;
        try (Stream<DbRow> rows = db.execute().query(sql.toString(), params.toArray())) {
            items = new ArrayList<>(rows.map(row -> new AuditEntry(
                    number(row, "id"), Instant.ofEpochMilli(number(row, "at_ms")), string(row, "actor"), string(row, "action"),
                    string(row, "migration_id"), string(row, "candidate_id"), string(row, "run_id"), string(row, "source"),
                    map(string(row, "detail")))).toList());
        }
        String next = null;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            next = encodeCursor(items.getLast().id());
        }
        return new AuditPage(List.copyOf(items), next);
    }

    /** Cursors are opaque to clients: today the last id of the page, base64url-encoded. */
    public static String encodeCursor(long id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("a" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the cursor was not issued by {@link #audit} */
    public static long decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("a")) {
                long id = Long.parseLong(text.substring(1));
                if (id > 0) {
                    return id;
                }
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new IllegalArgumentException("cursor '" + cursor + "' was not issued by this API");
    }

    // A SQL NULL is an empty value to helidon-dbclient: get() would throw.
    private static String string(DbRow row, String column) {
        Object value = row.column(column).asOptional().orElse(null);
        return value == null ? null : value.toString();
    }

    private static long number(DbRow row, String column) {
        Object value = row.column(column).asOptional().orElse(null);
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static Map<String, String> map(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return HistoryWriter.JSON.readValue(json, STRING_MAP);
        } catch (IOException e) {
            return Map.of();
        }
    }
}
