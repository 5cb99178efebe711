package dev.drover.workflows.outbox;

import dev.drover.core.history.RedisOutbox;
import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.history.Metrics;
import dev.drover.core.history.OperatorAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worker's writers start whether or not the history database is there: history waits in the outbox until it
 * is, on the machine's PostgreSQL (a database created while the worker already runs).
 */
class HistoryOutboxWritersTest {
    private static final String MIGRATION = "writers-m";

    private final RedisState state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                        "drover-test-" + UUID.randomUUID() + ":");
    private final String database = "drover_writers_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final HistorySettings settings = new HistorySettings(TestPostgres.URL.substring(0, TestPostgres.URL.lastIndexOf('/') + 1) + database,
                                                                 Optional.of("postgres"), Optional.empty(), 2);

    @AfterEach
    void close() {
        state.deleteAllKeys();
        state.close();
        TestPostgres.sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }


    private void append(String candidate) {
        new RedisOutbox(state.redis(), state.keys()).write(new OperatorAction(Instant.parse("2026-01-01T00:00:00Z"), "ana", "start",
                                                                              MIGRATION, candidate, "run-" + candidate, "127.0.0.1", Map.of()));
    }

    private long outbox() {
        return state.redis().xlen(state.keys().historyOutbox());
    }

    private static long writerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("history-outbox-writer") && t.isAlive()).count();
    }

    @Test
    void historyWaitsInTheOutboxUntilTheDatabaseIsThereAndIsThenWritten() throws Exception {
        append("a");
        long threadsBefore = writerThreads();
        try (HistoryOutboxWriters writers = HistoryOutboxWriters.startWhenReachable(state, settings, "worker-0")) {
            Thread.sleep(1_000);
            assertEquals(1, outbox(), "no database yet: the entry waits");
            TestPostgres.sql("CREATE DATABASE " + database);
            append("b");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (outbox() > 0 && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertEquals(0, outbox(), "written once the database answered");
            assertEquals(threadsBefore + 1, writerThreads(), "one writer writing");
        }
        // Closed (as a stopping worker closes them): the writer has stopped and the pool has let its connections go.
        assertEquals(threadsBefore, writerThreads(), "the writer's thread has ended");
        assertEquals(0, TestPostgres.number("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'"),
                     "no connection to the history database is left open");
        try (History history = History.open(settings)) {
            Metrics.AuditPage audit = history.queries().audit(new Metrics.AuditFilter(MIGRATION, null, null, null), Optional.empty(), 10);
            assertEquals(2, audit.items().size(), "both entries, the one from before the database and the one after");
        }
        append("c");
        Thread.sleep(700);
        assertEquals(1, outbox(), "closed writers write nothing more");
    }

    @Test
    void writersClosedBeforeTheDatabaseCameStopWaitingForIt() throws Exception {
        append("a");
        HistoryOutboxWriters writers = HistoryOutboxWriters.startWhenReachable(state, settings, "worker-0");
        Thread.sleep(300);
        writers.close();
        TestPostgres.sql("CREATE DATABASE " + database);
        Thread.sleep(1_500); // past the opener's next attempt, had it gone on
        assertEquals(1, outbox(), "nothing opened the database after close");
    }
}
