package dev.drover.local.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Seeds what the demo migrators work on, once: a restarted stack finds its earlier work in place. */
final class DemoSources {
    private DemoSources() {
    }

    /** {@code count} project folders for hello-migrator to greet. */
    static Path helloProjects(Path folder, int count) {
        try {
            for (int i = 1; i <= count; i++) {
                Files.createDirectories(folder.resolve("project-%02d".formatted(i)));
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo projects in " + folder, e);
        }
    }
}
