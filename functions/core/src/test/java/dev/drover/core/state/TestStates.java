package dev.drover.core.state;

import dev.drover.core.function.Settings;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's real Redis, under a fresh key prefix per state, so cases never see each other's data (nor another
 * agent's); {@link #drop} deletes every key a state wrote. One client for the whole test JVM.
 */
final class TestStates {
    private static final UnifiedJedis REDIS = RedisClient.create(redisUrl());

    private TestStates() {
    }

    /** A state with the shipped scripts. */
    static RedisState create() {
        return create(LuaScript.RESOURCES);
    }

    /** A state whose stores run the scripts {@code scripts} gives (a test's variants). */
    static RedisState create(LuaScript.Source scripts) {
        return new RedisState(REDIS, prefix(), new TickingClock(), scripts);
    }

    /** Deletes every key under the state's prefix; the shared client stays open. */
    static void drop(RedisState state) {
        // Redis is shared with other agents' tests: never delete anything outside a test prefix, even when the
        // code under test is broken (PIT replaces Keys.prefix() with "", which would make the SCAN match every key).
        if (!state.keys().prefix().startsWith("drover-test-")) {
            throw new AssertionError("refusing to delete keys under prefix '" + state.keys().prefix() + "'");
        }
        state.deleteAllKeys();
    }

    static URI redisUrl() {
        return URI.create(System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL));
    }

    /** A fresh test prefix. */
    static String prefix() {
        return "drover-test-" + UUID.randomUUID() + ":";
    }

    /** A clock one second later at every reading, so every write's time differs from the one before. */
    static final class TickingClock extends Clock {
        private final AtomicLong seconds = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.getAndIncrement());
        }
    }
}
