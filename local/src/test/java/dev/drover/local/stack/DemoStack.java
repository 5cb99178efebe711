package dev.drover.local.stack;

import dev.drover.core.function.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;

/**
 * The local stack as {@code ./drover up} starts it, demo migrators included, on free ports, a key prefix
 * and a demo folder of its own.
 */
final class DemoStack implements AutoCloseable {
    private final LocalStackSettings settings;
    private final LocalStack stack;

    private DemoStack(LocalStackSettings settings) {
        this.settings = settings;
        this.stack = LocalStack.start(settings);
    }

    static DemoStack start() {
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        return new DemoStack(LocalStackSettings.ephemeral(functions, FreePort.pick()));
    }

    LocalStack stack() {
        return stack;
    }

    Path demoDir() {
        return settings.demoDir();
    }

    StackApi api() {
        return new StackApi(stack);
    }

    @Override
    public void close() throws IOException {
        stack.close();
        StackKeys.drop(stack.state());
        delete(settings.demoDir());
    }

    static void delete(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (var files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
