package dev.drover.migrator;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Remembers which step events this migrator has taken, so a redelivery is acknowledged and not executed
 * again. In memory by default; in Redis when a migrator runs several replicas or must remember across
 * restarts (a migrator scaled to zero forgets its memory).
 */
interface SeenEvents extends AutoCloseable {
    /** True the first time {@code key} is seen, false ever after. */
    boolean firstSight(String key);

    @Override
    default void close() {
    }

    static SeenEvents inMemory(int capacity) {
        Set<String> seen = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        }));
        return seen::add;
    }

    /** Keys expire after {@code memory}: longer than any redelivery would come. */
    static SeenEvents inRedis(URI redis, String prefix, Duration memory) {
        RedisClient client = RedisClient.builder().fromURI(redis.toString()).build();
        SetParams once = SetParams.setParams().nx().ex(memory.toSeconds());
        return new SeenEvents() {
            @Override
            public boolean firstSight(String key) {
                return "OK".equals(client.set(prefix + key, "1", once));
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
