package dev.drover.functions.events;

import dev.drover.core.state.RedisState;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;
import io.helidon.http.sse.SseEvent;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Every open event stream of a process, fed from ONE Redis connection: a PSUBSCRIBE on every migration's channel
 * ({@code P events:*}), opened when the first stream opens and closed when the last one closes, so an idle process
 * holds no connection and a busy one holds one however many streams it serves. Each message goes to its migration's
 * feed (one per watched migration) and is dropped at once when nobody watches that migration.
 */
public final class EventHub {
    private static final System.Logger LOGGER = System.getLogger(EventHub.class.getName());
    private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

    private final RedisState state;
    private final String clientName;
    /** The feeds of the watched migrations; changed under this hub's lock, as streams open and close. */
    private final Map<String, MigrationFeed> feeds = new HashMap<>();
    /** The same feeds, read without the lock by the subscriber thread for every message. */
    private final Map<String, MigrationFeed> routing = new ConcurrentHashMap<>();
    private Subscription subscription;

    public EventHub(RedisState state) {
        this.state = state;
        this.clientName = clientName(state.keys().prefix());
    }

    /** What CLIENT LIST shows for the subscriber of the Drover with key prefix {@code prefix}. */
    public static String clientName(String prefix) {
        return "drover-events@" + prefix.replaceAll("[^A-Za-z0-9:._-]", "_");
    }

    /** The name of the subscriber's connection in CLIENT LIST. */
    public String clientName() {
        return clientName;
    }

    /**
     * Opens a stream of {@code migrationId}'s events. Returns once the subscription listens, so whatever the caller
     * reads next (the counts) is followed by every change made after it.
     *
     * @throws JedisException when Redis cannot be reached
     */
    synchronized EventStream open(String migrationId) {
        if (subscription == null) {
            subscription = new Subscription();
        }
        try {
            subscription.awaitListening();
        } catch (JedisException e) {
            if (feeds.isEmpty()) {
                subscription.stop();
                subscription = null;
            }
            throw e;
        }
        EventStream stream = new EventStream(migrationId, this);
        MigrationFeed feed = feeds.computeIfAbsent(migrationId, id -> {
            MigrationFeed created = new MigrationFeed(id, state);
            routing.put(id, created);
            return created;
        });
        feed.add(stream);
        return stream;
    }

    /** The first event of a new stream: the migration's counts as they stand (empty when the migration is gone). */
    Optional<SseEvent> counts(EventStream stream) {
        MigrationFeed feed;
        synchronized (this) {
            feed = feeds.get(stream.migrationId());
        }
        return feed == null ? Optional.empty() : feed.counts();
    }

    synchronized void close(EventStream stream) {
        MigrationFeed feed = feeds.get(stream.migrationId());
        if (feed != null && feed.remove(stream)) {
            feeds.remove(stream.migrationId());
            routing.remove(stream.migrationId());
            feed.stop();
        }
        if (feeds.isEmpty() && subscription != null) {
            subscription.stop();
            subscription = null;
        }
    }

    /** The one subscriber connection, on a thread of its own; reconnects (after a pause) until stopped. */
    private final class Subscription {
        private final CountDownLatch listening = new CountDownLatch(1);
        private volatile boolean stopped;
        private volatile Connection connection;
        private volatile JedisException failure;

        private final JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                MigrationFeed feed = routing.get(state.keys().migrationOfEvents(channel));
                if (feed != null) {
                    feed.publish(message);
                }
            }

            @Override
            public void onPSubscribe(String pattern, int count) {
                // After a reconnect, what changed meanwhile was not heard: the counts at least are read again.
                routing.values().forEach(MigrationFeed::refreshCounts);
                listening.countDown();
            }
        };

        Subscription() {
            Thread.ofVirtual().name("events-subscriber").start(this::listen);
        }

        private void listen() {
            while (!stopped) {
                try (Connection opened = state.newConnection(clientName)) {
                    connection = opened;
                    if (stopped) {
                        return;
                    }
                    listener.proceedWithPatterns(opened, state.keys().eventsPattern());
                } catch (JedisException e) {
                    if (stopped) {
                        return;
                    }
                    failure = e;
                    LOGGER.log(Level.WARNING, "event subscription lost (" + e.getMessage() + "); reconnecting");
                    try {
                        Thread.sleep(RECONNECT_DELAY);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }

        void awaitListening() {
            try {
                if (!listening.await(SUBSCRIBE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    JedisException why = failure;
                    throw why != null ? why : new JedisConnectionException(
                            "the event subscription did not start within " + SUBSCRIBE_WAIT.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JedisConnectionException("interrupted while subscribing", e);
            }
        }

        /** Closing the socket ends the blocking read at once, whatever state the subscriber is in. */
        void stop() {
            stopped = true;
            Connection current = connection;
            if (current != null) {
                current.close();
            }
        }
    }
}
