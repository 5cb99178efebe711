package dev.drover.functions.events;

import io.helidon.http.sse.SseEvent;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client's stream: the events waiting to be written to it. The migration's feed offers, the request's own thread
 * takes and writes, so a slow client never holds up the others. A client that falls {@value #CAPACITY} events behind
 * is let go: it reconnects and reads the list again, which is what a lossy live view asks of its clients anyway.
 */
public final class EventStream implements AutoCloseable {
    static final int CAPACITY = 1024;

    private final BlockingQueue<SseEvent> events = new ArrayBlockingQueue<>(CAPACITY);
    private final String migrationId;
    private final EventHub hub;
    private volatile boolean overflowed;

    EventStream(String migrationId, EventHub hub) {
        this.migrationId = migrationId;
        this.hub = hub;
    }

    String migrationId() {
        return migrationId;
    }

    void offer(SseEvent event) {
        if (!events.offer(event)) {
            overflowed = true;
        }
    }

    /** The next event, or null when none came within {@code wait}. */
    SseEvent next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether events were dropped for this client: the stream must end so that it reconnects. */
    boolean overflowed() {
        return overflowed;
    }

    @Override
    public void close() {
        hub.close(this);
    }
}
