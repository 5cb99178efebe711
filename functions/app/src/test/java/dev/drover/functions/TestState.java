package dev.drover.functions;

import dev.drover.core.function.Settings;
import dev.drover.core.state.RedisState;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.util.UUID;

/**
 * The machine's real Redis, under a key prefix of this test class's own, so test classes never see
 * each other's data and every key they wrote is deleted afterwards.
 */
final class TestState {
    private TestState() {
    }

    static URI redisUrl() {
        return URI.create(System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL));
    }

    static RedisState create() {
        return RedisState.connect(redisUrl(), "drover-test-" + UUID.randomUUID() + ":");
    }

    /** Deletes every key under the state's prefix and closes it. */
    static void drop(RedisState state) {
        state.deleteAllKeys();
        state.close();
    }

    static long keyCount(RedisState state) {
        ScanParams match = new ScanParams().match(state.keys().prefix() + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        long count = 0;
        do {
            ScanResult<String> page = state.redis().scan(cursor, match);
            count += page.getResult().size();
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return count;
    }
}
