package dev.drover.history;

import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.OperatorAction;
import dev.drover.core.history.EventKind;
import dev.drover.core.history.HistoryRecorder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes events and operator actions. An event is inserted only if its key is new ({@code ON CONFLICT
 * DO NOTHING}, which PostgreSQL and H2's PostgreSQL mode both speak), and its rollups are bumped in
 * the same transaction only when it was, so a repeated write changes neither. Throws on failure;
 * {@link HistoryRecorder} is what callers use.
 */
final class HistoryWriter {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR_MS = 3_600_000L;

    private static final String INSERT_EVENT = """
            INSERT INTO history_events (idem_key, kind, at_ms, migration_id, candidate_id, run_id, attempt, step_name,
                                        dispatch, status, duration_ms, message, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final String INSERT_ACTION = """
            INSERT INTO history_actions (at_ms, actor, action, migration_id, candidate_id, run_id, source, detail, idem_key)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";

    private final DbClient db;

    HistoryWriter(DbClient db) {
        this.db = db;
    }

    /** Writes the events in one transaction; returns how many were new. */
    int write(List<HistoryEvent> events) {
        DbTransaction tx = db.transaction();
        try {
            int inserted = 0;
            for (HistoryEvent event : events) {
                if (insert(tx, event)) {
                    rollUp(tx, event);
                    inserted++;
                }
            }
            tx.commit();
            return inserted;
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    void write(OperatorAction action) {
        write(action, null);
    }

    /** Writes an action; one with a key already stored (an outbox entry delivered twice) is not written again. */
    int write(OperatorAction action, String key) {
        return (int) db.execute().insert(INSERT_ACTION, action.at().toEpochMilli(), clip(action.actor(), 200), action.action(),
                                         action.migrationId(), action.candidateId(), action.runId(), clip(action.source(), 200),
                                         json(action.detail()), key);
    }

    private static boolean insert(DbExecute tx, HistoryEvent e) {
        return tx.insert(INSERT_EVENT, clip(e.key(), 400), e.kind().wire(), e.at().toEpochMilli(), e.migrationId(),
                         e.candidateId(), e.runId(), e.attempt(), e.stepName(), e.dispatch(), e.status(),
                         e.duration() == null ? null : e.duration().toMillis(), clip(e.message(), 4000),
                         json(e.metadata())) == 1;
    }

    private static void rollUp(DbExecute tx, HistoryEvent e) {
        if (e.kind() == EventKind.CANDIDATES_SUBMITTED) {
            bumpTotal(tx, e.migrationId(), e.kind(), "", 1);
            bumpTotal(tx, e.migrationId(), e.kind(), "added", Long.parseLong(e.metadata().getOrDefault("added", "0")));
            bumpTotal(tx, e.migrationId(), e.kind(), "updated", Long.parseLong(e.metadata().getOrDefault("updated", "0")));
            return;
        }
        bumpTotal(tx, e.migrationId(), e.kind(), e.status() == null ? "" : e.status(), 1);
        if (e.kind() == EventKind.RUN_COMPLETED) {
            long hour = Math.floorDiv(e.at().toEpochMilli(), HOUR_MS) * HOUR_MS;
            bump(tx, "UPDATE history_completions SET n = n + ? WHERE migration_id = ? AND hour_ms = ?",
                 "INSERT INTO history_completions (n, migration_id, hour_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                 1L, e.migrationId(), hour);
        }
        if (e.kind() == EventKind.STEP_COMPLETED && e.duration() != null) {
            long ms = Math.max(0, e.duration().toMillis());
            bump(tx, "UPDATE history_step_stats SET n = n + 1, total_ms = total_ms + ? WHERE migration_id = ? AND step_name = ? AND status = ?",
                 "INSERT INTO history_step_stats (n, total_ms, migration_id, step_name, status) VALUES (1, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                 ms, e.migrationId(), e.stepName(), e.status());
            bump(tx, "UPDATE history_step_durations SET n = n + ? WHERE migration_id = ? AND step_name = ? AND bucket = ?",
                 "INSERT INTO history_step_durations (n, migration_id, step_name, bucket) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                 1L, e.migrationId(), e.stepName(), DurationBuckets.bucket(ms));
        }
    }

    private static void bumpTotal(DbExecute tx, String migrationId, EventKind kind, String status, long by) {
        if (by == 0) {
            return;
        }
        bump(tx, "UPDATE history_totals SET n = n + ? WHERE migration_id = ? AND kind = ? AND status = ?",
             "INSERT INTO history_totals (n, migration_id, kind, status) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
             by, migrationId, kind.wire(), status);
    }

    /**
     * Adds to a counter row, creating it if needed. Portable upsert: update; if no row, insert (a
     * concurrent creator makes the insert a no-op); if that lost the race, update again.
     */
    private static void bump(DbExecute tx, String update, String insert, Object... params) {
        if (tx.update(update, params) > 0) {
            return;
        }
        if (tx.insert(insert, params) > 0) {
            return;
        }
        tx.update(update, params);
    }

    static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
