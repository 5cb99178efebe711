package dev.drover.workflows.outbox;

import dev.drover.core.history.RedisOutbox;
import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.core.history.HistoryEvent;
import dev.drover.history.HistorySettings;
import dev.drover.history.Metrics;
import dev.drover.core.history.OperatorAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.resps.StreamEntry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer stopped dead (as by a SIGKILL: it does nothing more, its Redis reads stay pending, its open
 * transaction is never committed) before its commit or between its commit and its XACK: a writer started
 * after it persists every entry, each row exactly once.
 */
class HistoryOutboxWriterTest {
    private static final String MIGRATION = "outbox-m";

    private final RedisState state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                        "drover-test-" + UUID.randomUUID() + ":");
    private final HistorySettings db = HistorySettings.inMemory("outbox-" + UUID.randomUUID());
    private final History history = History.open(db);
    private final RedisOutbox outbox = new RedisOutbox(state.redis(), state.keys());

    /** What a SIGKILL does to the writer's thread: it stops where it is. */
    static final class Killed extends Error {
    }

    @AfterEach
    void close() {
        history.close();
        state.deleteAllKeys();
        state.close();
    }

    /** 10 runs started and completed, and one operator action per run: 20 events and 10 actions in 20 entries. */
    private void appendTenRuns() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 10; i++) {
            String run = "run-" + i;
            outbox.write(List.of(HistoryEvent.runStarted(run, MIGRATION, "c" + i, 1, at)));
            outbox.write(new OperatorAction(at, "ana", "start", MIGRATION, "c" + i, run, "127.0.0.1", Map.of()));
            outbox.write(List.of(HistoryEvent.runEnded(dev.drover.core.history.EventKind.RUN_COMPLETED, run, MIGRATION, "c" + i, 1,
                                                       at.plusSeconds(1), Duration.ofSeconds(1))));
        }
    }

    private HistoryOutboxWriter killedAt(String point, int nth, String consumer) {
        AtomicInteger seen = new AtomicInteger();
        return new HistoryOutboxWriter(state.redis(), state.keys(), history, consumer, Duration.ofMillis(0), where -> {
            if (where.equals(point) && seen.incrementAndGet() == nth) {
                throw new Killed();
            }
        });
    }

    private void assertExactlyOnce() {
        Metrics.Runs runs = history.queries().totals(Optional.of(MIGRATION)).runs();
        assertEquals(new Metrics.Runs(10, 10, 0, 0), runs);
        Metrics.AuditPage audit = history.queries().audit(new Metrics.AuditFilter(MIGRATION, null, null, null), Optional.empty(), 100);
        assertEquals(10, audit.items().size());
        assertEquals(0, state.redis().xlen(state.keys().historyOutbox()), "every entry acknowledged and deleted");
    }

    @Test
    void aWriterCreatesItsGroupOnceNotOnEveryPassAndAgainWhenItIsGone() {
        HistoryOutboxWriter writer = new HistoryOutboxWriter(state.redis(), state.keys(), history, "w1");
        long before = busyGroupErrors();
        for (int i = 0; i < 20; i++) {
            writer.drain(Duration.ofMillis(1));
        }
        // Every pass used to ask Redis to create the group, and Redis to refuse: an error an operator sees counted.
        assertTrue(busyGroupErrors() - before <= 1, "BUSYGROUP errors in 20 passes: " + (busyGroupErrors() - before));

        state.redis().del(state.keys().historyOutbox()); // the stream and its group deleted under the writer
        appendTenRuns();
        assertEquals(30, writer.drainAll(), "the writer makes its group again and persists what came after");
        assertExactlyOnce();
    }

    /** Redis's count of BUSYGROUP answers since it started (shared Redis: only a difference means something). */
    private long busyGroupErrors() {
        for (String line : state.redis().info("errorstats").split("\r?\n")) {
            if (line.startsWith("errorstat_BUSYGROUP:count=")) {
                return Long.parseLong(line.substring("errorstat_BUSYGROUP:count=".length()).split(",")[0]);
            }
        }
        return 0;
    }

    @Test
    void killedBetweenReadingAndCommittingLosesNothing() {
        appendTenRuns();
        assertThrows(Killed.class, () -> killedAt("read", 7, "writer-a").drainAll());
        HistoryOutboxWriter after = new HistoryOutboxWriter(state.redis(), state.keys(), history, "writer-b", Duration.ZERO,
                                                            HistoryOutboxWriter.Crashes.NONE);
        assertEquals(24, after.drainAll(), "the entries taken over from A count as persisted");
        assertExactlyOnce();
        HistoryOutboxWriter.Figures figures = after.figures();
        assertEquals(0, figures.duplicates(), "nothing was committed before the kill but the 6 entries acknowledged");
        assertEquals(24, figures.entries(), "the 24 entries A had not acknowledged");
        assertTrue(figures.replayed() >= 1, "the entry A held is taken over");
    }

    @Test
    void killedBetweenCommitAndAcknowledgementWritesEachRowOnce() {
        appendTenRuns();
        // The 5th entry is an operator action (run 1's start): idempotent by its outbox entry id.
        assertThrows(Killed.class, () -> killedAt("committed", 5, "writer-a").drainAll());
        HistoryOutboxWriter after = new HistoryOutboxWriter(state.redis(), state.keys(), history, "writer-b", Duration.ZERO,
                                                            HistoryOutboxWriter.Crashes.NONE);
        after.drainAll();
        assertExactlyOnce();
        assertEquals(1, after.figures().duplicates(), "the committed but unacknowledged entry, suppressed");
        assertTrue(after.figures().replayed() >= 1);
    }

    @Test
    void theSameWriterRestartedRereadsItsOwnPendingEntries() {
        appendTenRuns();
        assertThrows(Killed.class, () -> killedAt("committed", 3, "worker-0").drainAll());
        // No other writer, no idle time to wait: the restarted process reads its own pending entries first.
        HistoryOutboxWriter restarted = new HistoryOutboxWriter(state.redis(), state.keys(), history, "worker-0",
                                                                Duration.ofHours(1), HistoryOutboxWriter.Crashes.NONE);
        restarted.drainAll();
        assertExactlyOnce();
        assertEquals(1, restarted.figures().duplicates());
    }

    @Test
    void whileTheDatabaseIsDownEntriesWaitAndCatchUpAfter() throws Exception {
        appendTenRuns();
        History down = History.open(db);
        down.close(); // its pool refuses every connection: as a database that went away
        HistoryOutboxWriter writer = new HistoryOutboxWriter(state.redis(), state.keys(), down, "worker-0",
                                                             Duration.ofHours(1), HistoryOutboxWriter.Crashes.NONE);
        assertThrows(RuntimeException.class, writer::drainAll);
        assertEquals(30, state.redis().xlen(state.keys().historyOutbox()), "nothing acknowledged, nothing lost");
        HistoryOutboxWriter back = new HistoryOutboxWriter(state.redis(), state.keys(), history, "worker-0",
                                                           Duration.ofHours(1), HistoryOutboxWriter.Crashes.NONE);
        back.drainAll();
        assertExactlyOnce();
    }

    @Test
    void anUnreadableEntryIsSetAsideWithoutBlockingTheRest() {
        state.redis().xadd(state.keys().historyOutbox(), StreamEntryID.NEW_ENTRY, Map.of("e", "{not json"));
        appendTenRuns();
        HistoryOutboxWriter writer = new HistoryOutboxWriter(state.redis(), state.keys(), history, "w");
        writer.drainAll();
        assertExactlyOnce();
        assertEquals(1, writer.figures().poison());
        List<StreamEntry> dead = state.redis().xrange(state.keys().historyOutbox() + ":dead",
                                                                                (StreamEntryID) null, null);
        assertEquals(1, dead.size());
        assertEquals("{not json", dead.getFirst().getFields().get("e"), "set aside as it was written, for a person to read");
        assertTrue(dead.getFirst().getFields().get("id").matches("\\d+-\\d+"), "with the outbox entry's id");
    }

    @Test
    void drainingSaysHowManyEntriesItPersistedAcrossBatchesAndAfterACrash() {
        // 30 entries; a writer killed at its fifth has persisted 4 and left 26 pending. Then 230 new ones: over two batches of 100.
        appendTenRuns();
        assertThrows(Killed.class, () -> killedAt("read", 5, "writer-a").drain(Duration.ofMillis(1)));
        Instant at = Instant.parse("2026-01-02T00:00:00Z");
        for (int i = 0; i < 230; i++) {
            outbox.write(new OperatorAction(at, "ben", "retry", MIGRATION, "c" + i, "run-b" + i, "127.0.0.1", Map.of()));
        }
        HistoryOutboxWriter after = new HistoryOutboxWriter(state.redis(), state.keys(), history, "writer-a");
        assertEquals(26 + 100, after.drain(Duration.ofMillis(1)), "its own pending entries, then one batch of new ones");
        assertEquals(130, after.drainAll(), "the rest, over two more passes");
        assertEquals(0, after.drainAll(), "nothing left");
        assertEquals(256, after.figures().entries());
        assertEquals(26, after.figures().replayed(), "the pending ones count as replayed");
        assertEquals(0, state.redis().xlen(state.keys().historyOutbox()));
    }

    @Test
    void aStartedWriterPersistsOnItsOwnThreadUntilClosed() throws Exception {
        appendTenRuns();
        HistoryOutboxWriter writer = new HistoryOutboxWriter(state.redis(), state.keys(), history, "worker-0").start();
        try {
            awaitBacklog(writer, 0);
            assertExactlyOnce();
        } finally {
            writer.close();
        }
        Instant at = Instant.parse("2026-01-02T00:00:00Z");
        outbox.write(new OperatorAction(at, "ben", "retry", MIGRATION, "c0", "run-b0", "127.0.0.1", Map.of()));
        Thread.sleep(700); // longer than one pass of the writer's loop
        assertEquals(1, writer.backlog(), "a closed writer writes nothing more");
    }

    @Test
    void aStartedWriterKeepsTryingWhileTheDatabaseIsDownAndLosesNothing() throws Exception {
        appendTenRuns();
        History down = History.open(db);
        down.close();
        HistoryOutboxWriter writer = new HistoryOutboxWriter(state.redis(), state.keys(), down, "worker-0").start();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writer.figures().failures() < 2 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(writer.figures().failures() >= 2, "it failed, backed off and tried again: " + writer.figures());
            assertEquals(30, writer.backlog(), "nothing acknowledged, nothing lost");
        } finally {
            writer.close();
        }
    }

    /** The test's Redis, counting the writer's reads of pending entries (its own, from 0-0) and of idle ones (XAUTOCLAIM). */
    private static final class CountingRedis extends UnifiedJedis {
        final AtomicInteger ownReads = new AtomicInteger();
        final AtomicInteger claims = new AtomicInteger();

        CountingRedis(URI url) {
            super(new PooledConnectionProvider(new HostAndPort(url.getHost(), url.getPort())),
                  1, Duration.ofSeconds(1));
        }

        @Override
        public List<Map.Entry<String, List<StreamEntry>>> xreadGroup(
                String group, String consumer, XReadGroupParams params,
                Map<String, StreamEntryID> streams) {
            if (streams.containsValue(new StreamEntryID(0, 0))) {
                ownReads.incrementAndGet();
            }
            return super.xreadGroup(group, consumer, params, streams);
        }

        @Override
        public Map.Entry<StreamEntryID, List<StreamEntry>> xautoclaim(
                String key, String group, String consumer, long minIdleTime, StreamEntryID start,
                XAutoClaimParams params) {
            claims.incrementAndGet();
            return super.xautoclaim(key, group, consumer, minIdleTime, start, params);
        }
    }

    @Test
    void underSteadyLoadAWriterLooksForPendingEntriesOnlyWhereSomeCanBe() {
        // Each pass read its own pending entries and claimed idle ones: two Redis round trips per pass, and a pass under
        // load persists a few entries. Its own can only be pending after its start or a failed pass.
        Instant at = Instant.parse("2026-01-02T00:00:00Z");
        AtomicInteger committed = new AtomicInteger();
        try (CountingRedis redis = new CountingRedis(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")))) {
            HistoryOutboxWriter writer = new HistoryOutboxWriter(redis, state.keys(), history, "worker-0", Duration.ofSeconds(30), where -> {
                if (where.equals("committed") && committed.incrementAndGet() == 15) {
                    throw new IllegalStateException("Redis went away between the commit and the XACK");
                }
            });
            long started = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                outbox.write(new OperatorAction(at, "ben", "retry", MIGRATION, "c" + i, "run-b" + i, "127.0.0.1", Map.of()));
                assertEquals(1, writer.drain(Duration.ofMillis(1)));
            }
            assertEquals(1, redis.ownReads.get(), "its own pending entries once, at its start");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(redis.claims.get() <= 1 + seconds, "idle entries at most once a second: " + redis.claims.get());

            for (int i = 10; i < 15; i++) {
                outbox.write(new OperatorAction(at, "ben", "retry", MIGRATION, "c" + i, "run-b" + i, "127.0.0.1", Map.of()));
            }
            assertThrows(IllegalStateException.class, () -> writer.drain(Duration.ofMillis(1)));
            assertEquals(1, writer.backlog(), "the 15th entry, committed and not acknowledged, is pending in the writer's name");
            assertEquals(1, writer.drain(Duration.ofMillis(1)), "the next pass reads its own pending entry again");
            assertEquals(2, redis.ownReads.get());
            assertEquals(0, writer.backlog());
            assertEquals(1, writer.figures().duplicates(), "persisted once: the second delivery inserted nothing");
            writer.drain(Duration.ofMillis(1));
            assertEquals(2, redis.ownReads.get(), "and not after a pass that went well");
        }
    }

    @Test
    void aRunningWriterTakesOverADeadWritersEntriesOnceTheyAreIdle() throws Exception {
        HistoryOutboxWriter running = new HistoryOutboxWriter(state.redis(), state.keys(), history, "writer-b", Duration.ofMillis(300),
                                                              HistoryOutboxWriter.Crashes.NONE);
        assertEquals(0, running.drain(Duration.ofMillis(1)), "it has looked for idle entries: none yet");
        appendTenRuns();
        assertThrows(Killed.class, () -> killedAt("read", 1, "writer-a").drainAll());
        assertEquals(0, running.drain(Duration.ofMillis(1)), "writer-a's 30 are pending, not idle yet");
        Thread.sleep(400);
        assertEquals(30, running.drain(Duration.ofMillis(1)), "idle for longer than 300 ms: taken over without a restart");
        assertExactlyOnce();
    }

    private static void awaitBacklog(HistoryOutboxWriter writer, long backlog) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.backlog() != backlog && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(backlog, writer.backlog());
    }
}
