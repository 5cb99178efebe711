package dev.drover.local.stack;

import dev.drover.core.function.Settings;

import java.util.Map;
import java.util.UUID;

/** The local stack as most tests want it: every port free-picked, no demo migrators, Redis keys of its own. */
final class TestStacks {
    private TestStacks() {
    }

    static LocalStack withoutDemo() {
        return LocalStack.start(LocalStackSettings.ephemeral(functions(), FreePort.pick()).withoutDemo());
    }

    /** The machine's Redis ({@code REDIS_URL}) under a key prefix no other test uses. */
    static Settings functions() {
        return Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                               "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
    }

    /** Stops the stack and deletes every key it wrote. */
    static void stop(LocalStack stack) {
        stack.close();
        StackKeys.drop(stack.state());
    }
}
