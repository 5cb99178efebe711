package dev.drover.core.rollout;

import dev.drover.contract.json.Json;
import dev.drover.core.state.RedisState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPubSub;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rollouts as operators list and watch them: per migration, newest first, each save published, never an older one. */
class RolloutStoreTest {
    private final RedisState state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                        "drover-test-" + UUID.randomUUID() + ":");
    private final RolloutStore store = new RolloutStore(state.redis(), state.keys());

    @AfterEach
    void close() {
        state.deleteAllKeys();
        state.close();
    }

    private RolloutSpec create(String migrationId, String rolloutId, int concurrency, String createdAt) {
        RolloutSpec spec = new RolloutSpec(rolloutId, migrationId, null, concurrency, null, List.of(), null, Map.of(), "ana", createdAt);
        store.create(spec, RolloutProgress.initial(spec, createdAt));
        return spec;
    }

    private static RolloutProgress progress(String status, long version) {
        return new RolloutProgress(status, null, new WaveState(0, null, null), RolloutCounts.NONE, "2026-01-01T00:10:00Z", version);
    }

    @Test
    void aMigrationsRolloutsAreListedNewestFirstUpToTheLimitAndApartFromOtherMigrations() {
        create("m", "r-1", 1, "2026-01-01T00:00:00Z");
        create("m", "r-3", 3, "2026-01-03T00:00:00Z");
        create("m", "r-2", 2, "2026-01-02T00:00:00Z");
        create("other", "r-1", 9, "2026-01-04T00:00:00Z");
        assertEquals(List.of("r-3", "r-2"), store.list("m", 2).stream().map(RolloutView::rolloutId).toList());
        assertEquals(List.of("r-3", "r-2", "r-1"), store.list("m", 10).stream().map(RolloutView::rolloutId).toList());
        assertEquals(1, store.find("m", "r-1").orElseThrow().concurrency());
        assertEquals(9, store.find("other", "r-1").orElseThrow().concurrency(), "the same rollout id in another migration is another rollout");

        store.delete("m", "r-2");
        assertEquals(List.of("r-3", "r-1"), store.list("m", 10).stream().map(RolloutView::rolloutId).toList());
        assertEquals(Optional.empty(), store.find("m", "r-2"));
    }

    @Test
    void aSaveIsPublishedAndAnOlderOneIsRefused() throws Exception {
        RolloutSpec spec = create("m", "r-1", 1, "2026-01-01T00:00:00Z");
        BlockingQueue<String> published = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                published.add(message);
            }
        };
        Thread subscriber = Thread.ofPlatform().daemon().start(() -> state.redis().subscribe(listener, state.keys().events("m")));
        try {
            assertTrue(subscribed.await(5, TimeUnit.SECONDS));
            assertTrue(store.save(spec, progress(RolloutProgress.PAUSED, 2)));
            String event = published.poll(5, TimeUnit.SECONDS);
            assertNotNull(event, "the save is published for watchers");
            Map<?, ?> fields = Json.mapper().readValue(event, Map.class);
            assertEquals(List.of("rollout", "r-1", "paused"), List.of(fields.get("type"), fields.get("rolloutId"), fields.get("status")));

            assertFalse(store.save(spec, progress(RolloutProgress.RUNNING, 1)), "a late save of an older state");
            assertEquals(RolloutProgress.PAUSED, store.find("m", "r-1").orElseThrow().status(), "the newer state stays");
            assertEquals(null, published.poll(300, TimeUnit.MILLISECONDS), "and nothing is published for it");
        } finally {
            listener.unsubscribe();
            subscriber.join(5_000);
        }
    }
}
