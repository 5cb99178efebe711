package dev.drover.local.stack;

import dev.drover.core.state.RedisState;

import java.net.URI;

/** Deletes every key a test stack wrote under its prefix (the stack's own state may be closed by then). */
final class StackKeys {
    private StackKeys() {
    }

    static void drop(RedisState state) {
        try (RedisState cleaner = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                     state.keys().prefix())) {
            cleaner.deleteAllKeys();
        }
    }
}
