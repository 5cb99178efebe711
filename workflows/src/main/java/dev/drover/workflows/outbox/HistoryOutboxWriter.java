package dev.drover.workflows.outbox;

import dev.drover.core.history.RedisOutbox;
import dev.drover.core.state.Keys;
import dev.drover.history.History;
import dev.drover.core.history.OutboxEntry;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Empties the history outbox into the history database (ADR 0008). Reads entries as consumer
 * {@code consumer} of the group {@value #GROUP}, persists each in one database transaction (idempotent:
 * events by their keys, actions by the entry's id), and only after the commit acknowledges and deletes
 * it. A writer killed anywhere leaves its entry pending: the same consumer re-reads its own pending
 * entries when it starts again, another one takes them over with XAUTOCLAIM once they have been idle
 * for {@code claimIdle}; a second delivery inserts nothing. While the database is down entries simply
 * stay in the stream, and the writer backs off.
 */
public final class HistoryOutboxWriter implements AutoCloseable {
    public static final String GROUP = "history-writer";
    static final String FIELD = RedisOutbox.FIELD;
    private static final System.Logger LOGGER = System.getLogger(HistoryOutboxWriter.class.getName());
    private static final int BATCH = 100;
    private static final Duration CLAIM_EVERY = Duration.ofSeconds(1);
    // XACK and XDEL together: an entry acknowledged but left in the stream would never be read again.
    private static final String ACK_DELETE = "redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) return redis.call('XDEL', KEYS[1], ARGV[2])";

    /** Where a test stops the writer dead, as a SIGKILL would. */
    public interface Crashes {
        Crashes NONE = point -> { };

        /**
         * @param point "read" (entry read, not persisted), "committed" (persisted, not acknowledged) or "acknowledged"
         */
        void at(String point);
    }

    /** What the writer has done since it started. */
    public record Figures(long entries, long rowsWritten, long duplicates, long replayed, long failures, long poison) {
    }

    private final UnifiedJedis redis;
    private final String stream;
    private final String deadLetters;
    private final History history;
    private final String consumer;
    private final Duration claimIdle;
    private final Crashes crashes;
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong poison = new AtomicLong();
    private volatile boolean running;
    private volatile boolean groupReady;
    /*
     * Looked for on every pass, this consumer's own pending entries and other consumers' idle ones cost two Redis round
     * trips a pass, and under load a pass persists one or two entries (ADR 0019, 2026-12-05 afternoon addendum). This
     * consumer's own can only be pending after its start (a crash of this process) or a failed pass; other consumers'
     * are looked for at most every claimEvery, which delays taking over a dead writer's entries by at most that much
     * beyond claimIdle.
     */
    private boolean ownMayBePending = true;
    private final long claimEvery;
    private long lastClaim;
    private Thread thread;

    /**
     * @param consumer  this writer's name in the group: stable across restarts of one process (it re-reads its own
     *                  pending entries first), distinct between processes running at the same time
     * @param claimIdle how long another writer's entry stays pending before this one takes it over
     */
    public HistoryOutboxWriter(UnifiedJedis redis, Keys keys, History history, String consumer, Duration claimIdle,
                               Crashes crashes) {
        this.redis = redis;
        this.stream = keys.historyOutbox();
        this.deadLetters = keys.historyOutbox() + ":dead";
        this.history = history;
        this.consumer = consumer;
        this.claimIdle = claimIdle;
        this.crashes = crashes;
        this.claimEvery = Math.min(claimIdle.toNanos(), CLAIM_EVERY.toNanos());
        this.lastClaim = System.nanoTime() - claimEvery;
    }

    public HistoryOutboxWriter(UnifiedJedis redis, Keys keys, History history, String consumer) {
        this(redis, keys, history, consumer, Duration.ofSeconds(30), Crashes.NONE);
    }

    /** Starts writing on a thread of its own; failures (Redis or the database down) back off and retry. */
    public synchronized HistoryOutboxWriter start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("history-outbox-writer").start(this::loop);
        return this;
    }

    private void loop() {
        long backoff = 100;
        while (running) {
            try {
                drain(Duration.ofMillis(500));
                backoff = 100;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                failures.incrementAndGet();
                LOGGER.log(Level.WARNING, "history writer: " + e.getMessage() + "; retrying in " + backoff + " ms");
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    /**
     * One pass: this consumer's own pending entries (left by a crash of this process), entries idle too long in
     * another consumer's hands, then new entries (waiting up to {@code block} for some).
     *
     * @return how many entries were persisted and acknowledged
     */
    public int drain(Duration block) {
        if (!groupReady) {
            ensureGroup();
        }
        try {
            return drainOnce(block);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOGROUP")) {
                throw e;
            }
            // The stream or its group was deleted under us (its keys cleaned up): make them again and go on.
            ensureGroup();
            return drainOnce(block);
        }
    }

    private int drainOnce(Duration block) {
        try {
            int done = 0;
            if (ownMayBePending) {
                List<StreamEntry> own = own();
                done += persistAll(own, true);
                ownMayBePending = own.size() == BATCH;
            }
            long now = System.nanoTime();
            if (now - lastClaim >= claimEvery) {
                Map.Entry<StreamEntryID, List<StreamEntry>> claimed = redis.xautoclaim(stream, GROUP, consumer, claimIdle.toMillis(),
                                                                                      new StreamEntryID(0, 0),
                                                                                      new XAutoClaimParams().count(BATCH));
                done += persistAll(claimed.getValue(), true);
                // a full batch: more may be idle, so the next pass claims again
                lastClaim = claimed.getValue().size() == BATCH ? now - claimEvery : now;
            }
            var fresh = redis.xreadGroup(GROUP, consumer, new XReadGroupParams().count(BATCH).block((int) Math.max(1, block.toMillis())),
                                         Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            if (fresh != null) {
                for (var read : fresh) {
                    done += persistAll(read.getValue(), false);
                }
            }
            return done;
        } catch (RuntimeException e) {
            ownMayBePending = true; // what this pass read and did not acknowledge stays pending in this consumer's name
            throw e;
        }
    }

    /** Drains until nothing is left to read (tests, and a process that stops). */
    public int drainAll() {
        int total = 0;
        int n;
        do {
            n = drain(Duration.ofMillis(1));
            total += n;
        } while (n > 0);
        return total;
    }

    private List<StreamEntry> own() {
        var pending = redis.xreadGroup(GROUP, consumer, new XReadGroupParams().count(BATCH), Map.of(stream, new StreamEntryID(0, 0)));
        return pending == null || pending.isEmpty() ? List.of() : pending.getFirst().getValue();
    }

    private int persistAll(List<StreamEntry> read, boolean redelivered) {
        int done = 0;
        for (StreamEntry entry : read) {
            if (entry == null || entry.getFields() == null) {
                continue; // deleted while pending: nothing to write
            }
            crashes.at("read");
            String text = entry.getFields().get(FIELD);
            OutboxEntry decoded;
            try {
                decoded = OutboxEntry.decode(text).withScriptFields(entry.getFields());
            } catch (IllegalArgumentException e) { // NumberFormatException included
                // Never block the stream on an entry no writer can read: keep it aside for a person to look at.
                poison.incrementAndGet();
                LOGGER.log(Level.WARNING, "history writer: entry " + entry.getID() + " set aside: " + e.getMessage());
                redis.xadd(deadLetters, StreamEntryID.NEW_ENTRY, Map.of(FIELD, text == null ? "" : text, "id", entry.getID().toString()));
                acknowledge(entry.getID());
                continue;
            }
            int inserted = history.persist(entry.getID().toString(), decoded);
            crashes.at("committed");
            acknowledge(entry.getID());
            crashes.at("acknowledged");
            entries.incrementAndGet();
            rows.addAndGet(inserted);
            int expected = decoded.action() != null ? 1 : decoded.events().size();
            duplicates.addAndGet(expected - inserted);
            if (redelivered) {
                replayed.incrementAndGet();
            }
            done++;
        }
        return done;
    }

    private void acknowledge(StreamEntryID id) {
        redis.eval(ACK_DELETE, List.of(stream), List.of(GROUP, id.toString()));
    }

    /**
     * Once per writer, and again only when Redis says the group is gone: asked on every pass, Redis answered
     * BUSYGROUP dozens of times a second under load, each an error in its {@code INFO errorstats}.
     */
    private void ensureGroup() {
        try {
            // From the stream's start: entries appended before any writer existed are history too.
            redis.xgroupCreate(stream, GROUP, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        groupReady = true;
    }

    /** Entries not yet persisted (in the stream, pending or not). */
    public long backlog() {
        return redis.xlen(stream);
    }

    public Figures figures() {
        return new Figures(entries.get(), rows.get(), duplicates.get(), replayed.get(), failures.get(), poison.get());
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
