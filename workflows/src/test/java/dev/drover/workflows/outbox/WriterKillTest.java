package dev.drover.workflows.outbox;

import dev.drover.core.history.RedisOutbox;
import dev.drover.core.state.RedisState;
import dev.drover.core.history.EventKind;
import dev.drover.history.History;
import dev.drover.core.history.HistoryEvent;
import dev.drover.history.HistorySettings;
import dev.drover.history.Metrics;
import dev.drover.core.history.OperatorAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history writer as a real process, SIGKILLed between reading an entry and its commit, between the
 * commit and the XACK, or right after the XACK, with its history on PostgreSQL or on an H2 file (the local
 * stack's): a writer started afterwards leaves every row there exactly once, and nothing acknowledged is lost.
 */
class WriterKillTest {
    private static final String REDIS = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    private static final String MIGRATION = "killed";

    private final RedisState state = RedisState.connect(URI.create(REDIS), "drover-test-" + UUID.randomUUID() + ":");
    private final String schema = "history_kill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private Path h2;

    @AfterEach
    void close() throws Exception {
        state.deleteAllKeys();
        state.close();
        TestPostgres.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        if (h2 != null) {
            try (var files = Files.walk(h2)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String database(String kind) throws Exception {
        if (kind.equals("postgres")) {
            TestPostgres.sql("CREATE SCHEMA " + schema);
            return TestPostgres.URL + "?currentSchema=" + schema;
        }
        h2 = Files.createTempDirectory("drover-h2-");
        return "jdbc:h2:file:" + h2.resolve("history") + HistorySettings.H2_OPTIONS;
    }

    @ParameterizedTest(name = "{0}, killed at {1} of entry {2}")
    @CsvSource({"postgres, read, 7", "postgres, committed, 5", "postgres, acknowledged, 12", "h2, committed, 5",
                "h2, acknowledged, 12"})
    void aWriterKilledAnywhereLeavesEveryRowExactlyOnce(String kind, String point, int nth) throws Exception {
        String url = database(kind);
        RedisOutbox outbox = new RedisOutbox(state.redis(), state.keys());
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 10; i++) {
            String run = "run-" + i;
            outbox.write(List.of(HistoryEvent.runStarted(run, MIGRATION, "c" + i, 1, at)));
            outbox.write(new OperatorAction(at, "ana", "start", MIGRATION, "c" + i, run, "127.0.0.1", Map.of()));
            outbox.write(List.of(HistoryEvent.runEnded(EventKind.RUN_COMPLETED, run, MIGRATION, "c" + i, 1, at.plusSeconds(1),
                                                       Duration.ofSeconds(1))));
        }

        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                            "-cp", System.getProperty("java.class.path"), WriterProcess.class.getName(),
                                            REDIS, state.keys().prefix(), url, "worker-0", point, Integer.toString(nth))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
            line = out.readLine();
        } while (line != null && !line.startsWith("AT ") && !line.equals("DRAINED"));
        assertEquals("AT " + point, line, "the writer reached the point");
        long acknowledgedBefore = 30 - state.redis().xlen(state.keys().historyOutbox());
        writer.destroyForcibly(); // SIGKILL
        assertTrue(writer.waitFor(10, TimeUnit.SECONDS));

        try (History history = History.open(new HistorySettings(url, Optional.of("postgres"), Optional.empty(), 2))) {
            // What the killed writer acknowledged is in the database: an H2 file whose commits were not yet on disk
            // would show fewer rows here than acknowledged entries.
            long persistedBefore = rows(history);
            assertTrue(persistedBefore >= acknowledgedBefore, persistedBefore + " rows for " + acknowledgedBefore + " acknowledged entries");
            // The same consumer restarted (one idle hour: no takeover) re-reads its own pending entry first.
            HistoryOutboxWriter restarted = new HistoryOutboxWriter(state.redis(), state.keys(), history, "worker-0",
                                                                    Duration.ofHours(1), HistoryOutboxWriter.Crashes.NONE);
            restarted.drainAll();
            assertEquals(new Metrics.Runs(10, 10, 0, 0), history.queries().totals(Optional.of(MIGRATION)).runs());
            assertEquals(10, history.queries().audit(new Metrics.AuditFilter(MIGRATION, null, null, null), Optional.empty(), 100)
                    .items().size());
            assertEquals(30, rows(history));
            assertEquals(0, state.redis().xlen(state.keys().historyOutbox()));
            System.out.println("FIGURES kill " + kind + " at " + point + " of entry " + nth + ": acknowledged before="
                    + acknowledgedBefore + " rows before=" + persistedBefore + " after restart " + restarted.figures());
        }
    }

    private static long rows(History history) {
        long events = history.queries().totals(Optional.of(MIGRATION)).runs().started()
                + history.queries().totals(Optional.of(MIGRATION)).runs().completed();
        return events + history.queries().audit(new Metrics.AuditFilter(MIGRATION, null, null, null), Optional.empty(), 100).items().size();
    }

}
