package dev.drover.history;

import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.OperatorAction;
import dev.drover.core.history.OutboxEntry;
import dev.drover.core.history.EventKind;
import dev.drover.history.Metrics.AuditFilter;
import dev.drover.history.Metrics.AuditPage;
import dev.drover.history.Metrics.CompletionPoint;
import dev.drover.history.Metrics.StepStats;
import dev.drover.history.Metrics.Totals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history's behaviour, written once and run against each database Drover supports (the
 * subclasses pick it): the same statements must give the same answers on PostgreSQL and H2.
 * Every test works in a migration of its own, so they share one database without seeing each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HistoryTestBase {
    private static final Instant T0 = Instant.parse("2026-03-02T10:15:00Z");

    private TestDatabase database;
    private History history;

    abstract TestDatabase database();

    @BeforeAll
    void open() {
        database = database();
        history = History.open(database.settings());
    }

    @AfterAll
    void close() {
        history.close();
        database.close();
    }

    private static String migration() {
        return "m-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void opensAnExistingSchemaWithoutRedoingIt() {
        // A second process (or a restart) on the same database finds the schema current and keeps the data.
        String m = migration();
        history.recorder().record(HistoryEvent.runStarted(m + "-run-1", m, "c1", 1, T0));
        try (History again = History.open(database.settings())) {
            assertEquals(1, again.queries().totals(Optional.of(m)).runs().started());
        }
    }

    @Test
    void aSchemaOfAnEarlierVersionIsUpgradedInPlace() {
        try (TestDatabase older = database()) {
            HistorySettings settings = older.settings();
            org.flywaydb.core.Flyway.configure()
                    .dataSource(settings.url(), settings.user().orElse(null), settings.password().orElse(null))
                    .locations(History.SCRIPTS).table("history_schema_version").target("1")
                    .load().migrate();
            try (var c = java.sql.DriverManager.getConnection(settings.url(), settings.user().orElse(null), settings.password().orElse(null));
                 var s = c.createStatement()) {
                s.execute("INSERT INTO history_actions (at_ms, actor, action, migration_id, candidate_id, source) "
                                  + "VALUES (1, 'ann', 'start', 'm-old', 'c1', '10.0.0.1')");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            try (History upgraded = History.open(settings)) {
                assertEquals(List.of("ann"), upgraded.queries().audit(new AuditFilter("m-old", null, null, null), Optional.empty(), 5)
                        .items().stream().map(Metrics.AuditEntry::actor).toList());
            }
            try (var c = java.sql.DriverManager.getConnection(settings.url(), settings.user().orElse(null), settings.password().orElse(null));
                 var s = c.createStatement();
                 var rows = s.executeQuery("SELECT MAX(CAST(version AS INT)) FROM history_schema_version")) {
                rows.next();
                assertTrue(rows.getInt(1) >= 3, "the schema was not upgraded: version " + rows.getInt(1));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void anActionOnAWholeMigrationIsAuditedWithoutACandidate() {
        String m = migration();
        history.recorder().record(new OperatorAction(T0, "ada", "transfer-owner", m, null, null, "10.0.0.1",
                                                     Map.of("owner", "new-app")));
        List<Metrics.AuditEntry> items = history.queries().audit(new AuditFilter(m, null, null, null), Optional.empty(), 5).items();
        assertEquals(1, items.size(), "the audit row was kept");
        assertEquals("transfer-owner", items.getFirst().action());
        assertEquals(null, items.getFirst().candidateId());
    }

    @Test
    void anEventRecordedTwiceCountsOnce() {
        String m = migration();
        HistoryEvent done = HistoryEvent.stepReported(m + "-run-1", m, "c1", 1, "bump", 1, "succeeded", true,
                                                      Duration.ofMillis(1200), "", Map.of("pr", "https://x/1"), T0);
        history.recorder().record(HistoryEvent.runStarted(m + "-run-1", m, "c1", 1, T0));
        history.recorder().record(done);
        history.recorder().record(done);
        history.recorder().record(HistoryEvent.runStarted(m + "-run-1", m, "c1", 1, T0.plusSeconds(5)));

        Totals totals = history.queries().totals(Optional.of(m));
        assertEquals(1, totals.runs().started());
        assertEquals(1, totals.steps().succeeded());
        List<StepStats> steps = history.queries().steps(Optional.of(m));
        assertEquals(1, steps.size());
        assertEquals(1, steps.getFirst().count());
        assertEquals(1200, steps.getFirst().averageMs());
    }

    @Test
    void concurrentWritersOfTheSameEventStoreItOnce() throws Exception {
        // Two workers running the same activity (a retry racing a slow first attempt).
        String m = migration();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            writes.add(pool.submit(() -> {
                go.await();
                history.recorder().record(HistoryEvent.runEnded(EventKind.RUN_COMPLETED, m + "-run-9", m, "c9", 1, T0, Duration.ofMinutes(3)));
                return null;
            }));
        }
        go.countDown();
        for (Future<?> write : writes) {
            write.get();
        }
        pool.shutdown();
        assertEquals(1, history.queries().totals(Optional.of(m)).runs().completed());
        assertEquals(0, history.recorder().failures());
    }

    @Test
    void totalsByStatusPerMigrationAndOverall() {
        String m = migration();
        String other = migration();
        var r = history.recorder();
        r.record(HistoryEvent.candidatesSubmitted(UUID.randomUUID().toString(), m, 3, 0, 0, 0, T0));
        r.record(HistoryEvent.candidatesSubmitted(UUID.randomUUID().toString(), m, 1, 2, 1, 0, T0));
        r.record(HistoryEvent.runStarted(m + "-run-a", m, "a", 1, T0));
        r.record(HistoryEvent.runStarted(m + "-run-b", m, "b", 1, T0));
        r.record(HistoryEvent.runStarted(m + "-run-c", m, "c", 1, T0));
        r.record(HistoryEvent.stepDispatched(m + "-run-a", m, "a", 1, "s1", 1, T0));
        r.record(HistoryEvent.stepReported(m + "-run-a", m, "a", 1, "s1", 1, "failed", true, Duration.ofSeconds(2), "boom", Map.of(), T0));
        r.record(HistoryEvent.stepRetried(m + "-run-a", m, "a", 1, "s1", 2, T0));
        r.record(HistoryEvent.stepDispatched(m + "-run-a", m, "a", 1, "s1", 2, T0));
        r.record(HistoryEvent.stepReported(m + "-run-a", m, "a", 1, "s1", 2, "merged", true, Duration.ofSeconds(2), "", Map.of(), T0));
        r.record(HistoryEvent.runEnded(EventKind.RUN_COMPLETED, m + "-run-a", m, "a", 1, T0, Duration.ofSeconds(9)));
        r.record(HistoryEvent.runEnded(EventKind.RUN_CANCELLED, m + "-run-b", m, "b", 1, T0, Duration.ofSeconds(9)));
        r.record(HistoryEvent.runStarted(m + "-run-z", other, "z", 1, T0));

        Totals totals = history.queries().totals(Optional.of(m));
        assertEquals(new Metrics.Runs(3, 1, 1, 1), totals.runs());
        assertEquals(new Metrics.Steps(2, 1, 0, 1, 1), totals.steps());
        assertEquals(new Metrics.Candidates(2, 4, 2), totals.candidates());

        Totals overall = history.queries().totals(Optional.empty());
        assertNull(overall.migrationId());
        assertTrue(overall.runs().started() >= 4, "overall counts every migration: " + overall);
    }

    @Test
    void completionsPerHourAndDayWithTheirRunningTotal() {
        String m = migration();
        Instant day = Instant.parse("2026-03-02T00:00:00Z");
        record(m, "early", day.minus(Duration.ofDays(2)));                 // before the window: only in the running total
        record(m, "a", day.plus(Duration.ofMinutes(70)));                  // 01:10
        record(m, "b", day.plus(Duration.ofMinutes(100)));                 // 01:40
        record(m, "c", day.plus(Duration.ofHours(5)));                     // 05:00
        record(m, "d", day.plus(Duration.ofHours(26)));                    // next day 02:00

        List<CompletionPoint> hours = history.queries().completions(Optional.of(m), Duration.ofHours(1), day, day.plus(Duration.ofHours(6)));
        assertEquals(6, hours.size());
        assertEquals(List.of(0L, 2L, 0L, 0L, 0L, 1L), hours.stream().map(CompletionPoint::completed).toList());
        assertEquals(List.of(1L, 3L, 3L, 3L, 3L, 4L), hours.stream().map(CompletionPoint::cumulative).toList());
        assertEquals(day.plus(Duration.ofHours(1)), hours.get(1).start());

        List<CompletionPoint> days = history.queries().completions(Optional.of(m), Duration.ofDays(1), day, day.plus(Duration.ofDays(2)));
        assertEquals(List.of(3L, 1L), days.stream().map(CompletionPoint::completed).toList());
        assertEquals(List.of(4L, 5L), days.stream().map(CompletionPoint::cumulative).toList());
    }

    @Test
    void aMigrationWithNoHistoryAnswersZeros() {
        String m = migration();
        Instant day = Instant.parse("2026-03-02T00:00:00Z");
        List<CompletionPoint> points = history.queries().completions(Optional.of(m), Duration.ofDays(1), day, day.plus(Duration.ofDays(3)));
        assertEquals(List.of(0L, 0L, 0L), points.stream().map(CompletionPoint::cumulative).toList());
        assertEquals(new Metrics.Runs(0, 0, 0, 0), history.queries().totals(Optional.of(m)).runs());
        assertEquals(List.of(), history.queries().steps(Optional.of(m)));
        assertEquals(List.of(), history.queries().failures(Optional.of(m), 10));
        // an action on no run (an inputs edit before any start) reads back with a null run id
        history.recorder().record(new OperatorAction(T0, "ann", "inputs", m, "c1", null, "10.0.0.1", Map.of("v", "1")));
        assertNull(history.queries().audit(new AuditFilter(m, null, null, null), Optional.empty(), 5).items().getFirst().runId());
    }

    private void record(String m, String candidate, Instant at) {
        history.recorder().record(HistoryEvent.runEnded(EventKind.RUN_COMPLETED, m + "-run-" + candidate, m, candidate, 1, at,
                                                        Duration.ofMinutes(1)));
    }

    @Test
    void stepStatsCountAverageP95AndFailureRate() {
        String m = migration();
        // 100 dispatches of "build": 1..100 seconds, the 10 slowest failed.
        for (int i = 1; i <= 100; i++) {
            history.recorder().record(HistoryEvent.stepReported(m + "-run-" + i, m, "c" + i, 1, "build", 1, i > 90 ? "failed" : "succeeded",
                                                                true, Duration.ofSeconds(i), i > 90 ? "compile error" : "", Map.of(), T0));
        }
        history.recorder().record(HistoryEvent.stepReported(m + "-run-1", m, "c1", 1, "await-merge", 1, "merged", true,
                                                            Duration.ofMillis(40), "", Map.of(), T0));
        // progress reports are not finished dispatches
        history.recorder().record(HistoryEvent.stepReported(m + "-run-1", m, "c1", 1, "await-merge", 1, "pending", false,
                                                            null, "", Map.of("pr", "1"), T0));

        List<StepStats> steps = history.queries().steps(Optional.of(m));
        assertEquals(List.of("await-merge", "build"), steps.stream().map(StepStats::step).toList());
        StepStats build = steps.get(1);
        assertEquals(100, build.count());
        assertEquals(50_500, build.averageMs());
        assertEquals(10, build.failed());
        assertEquals(0.10, build.failureRate(), 1e-9);
        assertEquals(Map.of("succeeded", 90L, "failed", 10L), build.byStatus());
        // exact p95 is 95 s; the histogram answers within 5%
        assertTrue(build.p95Ms() >= 95_000 && build.p95Ms() <= 95_000 * 1.05, "p95 " + build.p95Ms());
        assertEquals(1, steps.get(0).count());
        assertEquals(0.0, steps.get(0).failureRate());
    }

    @Test
    void recentFailuresNewestFirstWithTheirMessages() {
        String m = migration();
        for (int i = 1; i <= 5; i++) {
            history.recorder().record(HistoryEvent.stepReported(m + "-run-" + i, m, "c" + i, 2, "deploy", i, "failed", true,
                                                                Duration.ofSeconds(1), "error " + i, Map.of("log", "l" + i), T0.plusSeconds(i)));
        }
        history.recorder().record(HistoryEvent.stepReported(m + "-run-6", m, "c6", 1, "deploy", 1, "succeeded", true,
                                                            Duration.ofSeconds(1), "", Map.of(), T0));
        var failures = history.queries().failures(Optional.of(m), 3);
        assertEquals(List.of("error 5", "error 4", "error 3"), failures.stream().map(Metrics.Failure::message).toList());
        var newest = failures.getFirst();
        assertEquals("c5", newest.candidateId());
        assertEquals(2, newest.attempt());
        assertEquals(5, newest.dispatch());
        assertEquals(Map.of("log", "l5"), newest.metadata());
        assertEquals(T0.plusSeconds(5), newest.at());
        assertTrue(history.queries().failures(Optional.empty(), 100).size() >= 5);
    }

    @Test
    void auditLogPagesByCursorAndFilters() {
        String m = migration();
        var r = history.recorder();
        for (int i = 0; i < 7; i++) {
            r.record(new OperatorAction(T0.plusSeconds(i), i % 2 == 0 ? "alice" : "bob", i < 3 ? "start" : "cancel", m,
                                        "c" + (i % 3), m + "-run-" + i, "10.0.0." + i, Map.of("i", Integer.toString(i))));
        }
        AuditFilter all = new AuditFilter(m, null, null, null);
        AuditPage first = history.queries().audit(all, Optional.empty(), 3);
        assertEquals(List.of("6", "5", "4"), first.items().stream().map(e -> e.detail().get("i")).toList());
        AuditPage second = history.queries().audit(all, Optional.of(first.nextCursor()), 3);
        assertEquals(List.of("3", "2", "1"), second.items().stream().map(e -> e.detail().get("i")).toList());
        AuditPage last = history.queries().audit(all, Optional.of(second.nextCursor()), 3);
        assertEquals(List.of("0"), last.items().stream().map(e -> e.detail().get("i")).toList());
        assertNull(last.nextCursor());

        var entry = first.items().getFirst();
        assertEquals("alice", entry.actor());
        assertEquals("cancel", entry.action());
        assertEquals("10.0.0.6", entry.source());
        assertEquals("c0", entry.candidateId());
        assertEquals(T0.plusSeconds(6), entry.at());

        assertEquals(List.of("6", "3", "0"), ids(history.queries().audit(new AuditFilter(m, "c0", null, null), Optional.empty(), 10)));
        assertEquals(List.of("5", "3", "1"), ids(history.queries().audit(new AuditFilter(m, null, "bob", null), Optional.empty(), 10)));
        assertEquals(List.of("2", "0"), ids(history.queries().audit(new AuditFilter(m, null, "alice", "start"), Optional.empty(), 10)));
        assertEquals(List.of(), ids(history.queries().audit(new AuditFilter(m, "c1", "alice", "start"), Optional.empty(), 10)));
    }

    @Test
    void anAuditPageOfExactlyTheLimitHasNoNextAndTheLogSpansMigrations() {
        String m = migration();
        String other = migration();
        for (int i = 0; i < 3; i++) {
            history.recorder().record(new OperatorAction(T0.plusSeconds(i), "carol", "retry", i < 2 ? m : other, "c", null,
                                                         "10.0.0.9", Map.of("i", Integer.toString(i))));
        }
        AuditPage exact = history.queries().audit(new AuditFilter(m, null, null, null), Optional.empty(), 2);
        assertEquals(List.of("1", "0"), ids(exact));
        assertNull(exact.nextCursor(), "nothing after a page that holds exactly the rest");
        List<String> everywhere = history.queries().audit(new AuditFilter(null, null, null, null), Optional.empty(), 1000).items().stream()
                .filter(e -> e.migrationId().equals(m) || e.migrationId().equals(other)).map(e -> e.detail().get("i")).toList();
        assertEquals(List.of("2", "1", "0"), everywhere, "no migration given: every migration's actions");
        assertThrows(IllegalArgumentException.class, () -> HistoryQueries.decodeCursor(HistoryQueries.encodeCursor(0)),
                     "no id is 0: such a cursor was not issued");
        assertEquals(5, HistoryQueries.decodeCursor(HistoryQueries.encodeCursor(5)));
    }

    @Test
    void completionsAcrossEveryMigrationAddThemUp() {
        // A year no other test writes in, so the window holds this test's completions alone.
        Instant day = Instant.parse("2031-05-01T00:00:00Z");
        record(migration(), "before", day.minus(Duration.ofDays(1)));     // before the window: in the running total
        record(migration(), "a", day.plus(Duration.ofMinutes(10)));
        record(migration(), "b", day.plus(Duration.ofMinutes(20)));
        record(migration(), "c", day.plus(Duration.ofHours(2)));
        List<CompletionPoint> hours = history.queries().completions(Optional.empty(), Duration.ofHours(1), day, day.plus(Duration.ofHours(3)));
        assertEquals(List.of(2L, 0L, 1L), hours.stream().map(CompletionPoint::completed).toList());
        assertTrue(hours.getFirst().cumulative() >= 3, "the running total starts from every completion before the window");
        assertEquals(hours.getFirst().cumulative() + 1, hours.getLast().cumulative(), "the running total goes on across them");
    }

    @Test
    void persistingSaysHowManyRowsWereNewAndNoneForAnEntryDeliveredAgain() {
        String m = migration();
        OutboxEntry events = new OutboxEntry(List.of(HistoryEvent.runStarted(m + "-run-1", m, "c1", 1, T0),
                                                     HistoryEvent.runEnded(EventKind.RUN_COMPLETED, m + "-run-1", m, "c1", 1,
                                                                           T0.plusSeconds(9), Duration.ofSeconds(9))), null);
        assertEquals(2, history.persist(m + "-1", events));
        assertEquals(0, history.persist(m + "-1", events), "delivered again: nothing new");
        OutboxEntry action = new OutboxEntry(List.of(), new OperatorAction(T0, "ann", "start", m, "c1", m + "-run-1", "10.0.0.1", Map.of()));
        assertEquals(1, history.persist(m + "-2", action));
        assertEquals(0, history.persist(m + "-2", action), "the same outbox entry id: not audited twice");
        assertEquals(1, history.queries().totals(Optional.of(m)).runs().completed());
    }

    private static List<String> ids(AuditPage page) {
        return page.items().stream().map(e -> e.detail().get("i")).toList();
    }

    @Test
    void aDatabaseThatIsGoneCostsTheEntryNotTheCaller() {
        History closed = History.open(database.settings());
        closed.close();
        closed.recorder().record(HistoryEvent.runStarted("run-" + UUID.randomUUID(), migration(), "x", 1, T0));
        closed.recorder().record(new OperatorAction(T0, "alice", "start", "m", "c", null, "127.0.0.1", Map.of()));
        assertEquals(2, closed.recorder().failures());
        assertTrue(!closed.reachable());
        assertTrue(history.reachable());
    }
}
