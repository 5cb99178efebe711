package dev.drover.core.history;

import dev.drover.core.state.Keys;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

import java.util.List;
import java.util.Map;

/**
 * The history sink of the functions: appends to the Redis outbox stream, which the history writer
 * persists. It needs no database and waits on none; what it appends is as durable as Redis. State
 * changes of runs do not come here: their scripts append their own events (see RunStore).
 */
public final class RedisOutbox implements HistorySink {
    /** The field of a stream entry that holds its {@link OutboxEntry} text. */
    public static final String FIELD = "e";

    private final UnifiedJedis redis;
    private final String stream;

    /** The recorder the functions and the worker record with (ADR 0008): into this outbox, never the database. */
    public static HistoryRecorder recorder(UnifiedJedis redis, Keys keys) {
        return new HistoryRecorder(new RedisOutbox(redis, keys));
    }

    public RedisOutbox(UnifiedJedis redis, Keys keys) {
        this.redis = redis;
        this.stream = keys.historyOutbox();
    }

    @Override
    public void write(List<HistoryEvent> events) {
        append(OutboxEntry.encode(events));
    }

    @Override
    public void write(OperatorAction action) {
        append(OutboxEntry.encode(action));
    }

    private void append(String entry) {
        redis.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of(FIELD, entry));
    }
}
