package dev.drover.local.stream;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Delivers one Redis Stream to one subscriber through a consumer group, at least once and one message
 * at a time. New messages come from {@code XREADGROUP ... BLOCK}; a message whose delivery failed stays
 * in the group's pending-entries list and is taken back with {@code XCLAIM} once it has been idle for the
 * schedule's delay. Because the claim is conditional on that idle time, several processes can serve
 * the same group without delivering one message twice at once, and a message held by a process that
 * died is picked up by whichever process looks next.
 *
 * <p>A message is acknowledged only after its outcome is recorded: delivered, deliberately dropped, or
 * dead-lettered. A crash in between means a second delivery, never a lost message.
 *
 * <p>The loop holds one pooled Redis connection while it blocks (at most a second at a time), so the
 * pool needs one connection per running consumer on top of what else the process does.
 */
public final class StreamConsumer implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(StreamConsumer.class.getName());
    private static final int READ_BATCH = 16;
    private static final int PENDING_BATCH = 100;
    /** Short enough that a due retry waits little and close() returns soon (Jedis lifts its socket timeout for BLOCK). */
    private static final long MAX_BLOCK_MILLIS = 1000;
    private static final long MIN_BLOCK_MILLIS = 10;
    private static final long ERROR_PAUSE_MILLIS = 1000;
    /** How long close() lets an in-flight delivery finish before interrupting it (it then stays pending). */
    private static final long CLOSE_GRACE_MILLIS = 2000;

    /** Where a new consumer group starts reading its stream. */
    public enum Start {
        /** Every entry the stream already holds ({@code XGROUP CREATE ... 0}). */
        BEGINNING,
        /** Only entries appended after the group is created ({@code XGROUP CREATE ... $}). */
        NEW_ENTRIES
    }

    /**
     * A consumer group and this process's name in it.
     *
     * @param stream   the stream's key
     * @param name     the group's name
     * @param consumer this process's consumer name
     * @param start    where the group starts if it does not exist yet
     * @param since    if not null, where it starts instead: the entries appended from this moment on (a stream entry's id
     *                 is its append time)
     */
    public record Group(String stream, String name, String consumer, Start start, java.time.Instant since) {
        public Group(String stream, String name, String consumer, Start start) {
            this(stream, name, consumer, start, null);
        }
    }

    private final UnifiedJedis redis;
    private final Group group;
    private final RetrySchedule retry;
    private final MessageHandler handler;
    private final DeadLetterHandler deadLetters;
    private final String description;
    private final long blockMillis;
    private final Object pause = new Object();
    private volatile boolean running = true;
    private volatile boolean groupReady;
    private Thread thread;

    private StreamConsumer(UnifiedJedis redis, Group group, RetrySchedule retry, MessageHandler handler,
                           DeadLetterHandler deadLetters, String description) {
        this.redis = redis;
        this.group = group;
        this.retry = retry;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.description = description;
        this.blockMillis = Math.clamp(retry.delayBefore(2).toMillis(), MIN_BLOCK_MILLIS, MAX_BLOCK_MILLIS);
    }

    /**
     * Creates the group if it is missing, before returning, so that a {@link Start#NEW_ENTRIES} group
     * sees everything appended after this call; then starts delivering on a thread of its own. If Redis
     * is down the group is created by the delivery loop once Redis answers.
     *
     * @param description names the subscriber in logs, e.g. "app registry / topic migration-registry"
     */
    public static StreamConsumer start(UnifiedJedis redis, Group group, RetrySchedule retry, MessageHandler handler,
                                       DeadLetterHandler deadLetters, String description) {
        StreamConsumer consumer = new StreamConsumer(redis, group, retry, handler, deadLetters, description);
        try {
            consumer.createGroup();
        } catch (JedisException e) {
            LOGGER.log(Level.WARNING, description + ": cannot create consumer group yet: " + e.getMessage());
        }
        consumer.thread = Thread.ofVirtual().name("drover-local " + description).start(consumer::run);
        return consumer;
    }

    public Group group() {
        return group;
    }

    private void run() {
        boolean failing = false;
        while (running) {
            try {
                if (!groupReady) {
                    createGroup();
                }
                redeliverDue();
                if (running) {
                    readNew();
                }
                if (failing) {
                    LOGGER.log(Level.INFO, description + ": Redis answers again");
                    failing = false;
                }
            } catch (JedisException e) {
                if (isNoGroup(e)) {
                    // The stream was deleted under us (e.g. a test cleaning up): recreate it and go on.
                    groupReady = false;
                    continue;
                }
                if (!failing) {
                    LOGGER.log(Level.WARNING, description + ": Redis failed (" + e.getMessage()
                            + "); trying again every " + ERROR_PAUSE_MILLIS + " ms");
                    failing = true;
                }
                pause(ERROR_PAUSE_MILLIS);
            } catch (RuntimeException e) {
                LOGGER.log(Level.ERROR, description + ": unexpected failure; trying again", e);
                pause(ERROR_PAUSE_MILLIS);
            }
        }
    }

    private void createGroup() {
        StreamEntryID from = group.since() != null ? new StreamEntryID(Math.max(0, group.since().toEpochMilli() - 1), 0)
                : group.start() == Start.BEGINNING ? new StreamEntryID() : StreamEntryID.XGROUP_LAST_ENTRY;
        try {
            redis.xgroupCreate(group.stream(), group.name(), from, true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        groupReady = true;
    }

    /** Takes back the messages whose failed delivery has waited long enough, and tries them again. */
    private void redeliverDue() {
        long minIdle = retry.delayBefore(2).toMillis();
        List<StreamPendingEntry> pending = redis.xpending(group.stream(), group.name(),
                XPendingParams.xPendingParams("-", "+", PENDING_BATCH).idle(minIdle));
        for (StreamPendingEntry entry : pending) {
            if (!running) {
                return;
            }
            int attempt = (int) Math.min(Integer.MAX_VALUE - 1, entry.getDeliveredTimes()) + 1;
            long wait = attempt > retry.maxAttempts() ? minIdle : retry.delayBefore(attempt).toMillis();
            if (entry.getIdleTime() < wait) {
                continue;
            }
            // Conditional on the idle time: if another process claimed it meanwhile, this returns nothing.
            List<StreamEntry> claimed = redis.xclaim(group.stream(), group.name(), group.consumer(), wait,
                                                     XClaimParams.xClaimParams(), entry.getID());
            if (!claimed.isEmpty()) {
                handle(claimed.getFirst(), attempt);
            }
        }
    }

    private void readNew() {
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(
                group.name(), group.consumer(),
                XReadGroupParams.xReadGroupParams().count(READ_BATCH).block((int) blockMillis),
                Map.of(group.stream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (read == null) {
            return;
        }
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
            for (StreamEntry entry : stream.getValue()) {
                if (!running) {
                    return; // the rest stay pending and are claimed later, here or elsewhere
                }
                handle(entry, 1);
            }
        }
    }

    private void handle(StreamEntry entry, int attempt) {
        Map<String, String> fields = entry.getFields() == null ? Map.of() : entry.getFields();
        StreamMessage message = new StreamMessage(group.stream(), entry.getID(), fields, attempt);
        if (attempt > retry.maxAttempts()) {
            // The process that made the last attempt stopped before recording its outcome.
            giveUp(new StreamMessage(group.stream(), entry.getID(), fields, retry.maxAttempts()),
                   Outcome.retry("no outcome recorded for the last of " + retry.maxAttempts() + " attempts"));
            return;
        }
        Outcome outcome;
        try {
            outcome = handler.deliver(message);
        } catch (RuntimeException e) {
            outcome = Outcome.retry("delivery failed: " + e);
        }
        switch (outcome.kind()) {
            case DONE -> ack(message);
            case DEAD_LETTER -> giveUp(message, outcome);
            case RETRY -> {
                if (attempt >= retry.maxAttempts()) {
                    giveUp(message, outcome);
                } else {
                    LOGGER.log(Level.INFO, "%s: message %s, attempt %d of %d failed (%s); next attempt in %d ms"
                            .formatted(description, message.id(), attempt, retry.maxAttempts(), outcome.reason(),
                                       retry.delayBefore(attempt + 1).toMillis()));
                }
            }
        }
    }

    private void giveUp(StreamMessage message, Outcome last) {
        try {
            deadLetters.deadLetter(message, last);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "%s: cannot dead-letter message %s yet (%s); it stays pending"
                    .formatted(description, message.id(), e.getMessage()));
            return;
        }
        ack(message);
    }

    private void ack(StreamMessage message) {
        redis.xack(group.stream(), group.name(), message.id());
    }

    private static boolean isNoGroup(JedisException e) {
        return e instanceof JedisDataException && e.getMessage() != null && e.getMessage().startsWith("NOGROUP");
    }

    private void pause(long millis) {
        synchronized (pause) {
            if (running) {
                try {
                    pause.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    /**
     * Stops delivering. An in-flight delivery gets a short grace period, then is interrupted; whatever
     * was not acknowledged stays pending for the next consumer of the group.
     */
    @Override
    public void close() {
        closeAll(List.of(this));
    }

    /** Closes several consumers at once: all are told to stop before any is waited for. */
    public static void closeAll(Collection<StreamConsumer> consumers) {
        consumers.forEach(StreamConsumer::stop);
        consumers.forEach(StreamConsumer::awaitStopped);
    }

    private void stop() {
        running = false;
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    private void awaitStopped() {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(Duration.ofMillis(blockMillis + CLOSE_GRACE_MILLIS));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(Duration.ofMillis(CLOSE_GRACE_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
