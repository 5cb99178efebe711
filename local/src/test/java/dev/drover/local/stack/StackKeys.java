package dev.drover.local.stack;

import dev.drover.core.state.RedisState;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Deletes every key a test stack wrote under its prefix. */
final class StackKeys {
    private StackKeys() {
    }

    static void drop(RedisState state) {
        try (RedisState cleaner = RedisState.connect(java.net.URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                     state.keys().prefix())) {
            ScanParams match = new ScanParams().match(state.keys().prefix() + "*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = cleaner.redis().scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    cleaner.redis().unlink(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
