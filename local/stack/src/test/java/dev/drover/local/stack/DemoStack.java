package dev.drover.local.stack;

import dev.drover.core.function.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
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
        return new DemoStack(ephemeralSettings());
    }

    /**
     * With the pg-credential-rotation demo on the machine's PostgreSQL (database {@code test},
     * {@code PG_ROTATION_TEST_URL} to move it), its schema and roles named for this stack alone; dropped at close.
     */
    static DemoStack startWithPgRotation() {
        return startWithPgRotation(System.getenv().getOrDefault("PG_ROTATION_TEST_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
    }

    /** With the pg-credential-rotation demo's PostgreSQL at {@code url} (which may answer nothing). */
    static DemoStack startWithPgRotation(String url) {
        String name = "drover_demo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        return new DemoStack(ephemeralSettings().withPgDemo(Optional.of(new LocalStackSettings.PgDemo(url, "postgres", name))));
    }

    private static LocalStackSettings ephemeralSettings() {
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        return LocalStackSettings.ephemeral(functions, FreePort.pick());
    }

    LocalStackSettings settings() {
        return settings;
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
        if (stack.pgRotationDemo().isPresent()) {
            try {
                dev.drover.migrators.pgrotation.PgRotationDemo.drop(LocalStack.pgRotationSettings(settings, settings.pgDemo().get()),
                                                                    settings.pgDemo().get().name());
            } catch (java.sql.SQLException e) {
                throw new IOException("cannot drop the pg-credential-rotation demo's roles: " + e.getMessage(), e);
            }
        }
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
