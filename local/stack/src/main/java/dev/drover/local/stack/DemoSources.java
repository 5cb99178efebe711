package dev.drover.local.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Seeds what the demo migrators work on, once: a restarted stack finds its earlier work in place. */
final class DemoSources {
    private DemoSources() {
    }

    /**
     * {@code count} project folders for hello-migrator to greet. Made once, two of them so that the README's cancel
     * and retry have something to act on: project-02's steps take a minute, project-03's first step fails once.
     */
    static Path helloProjects(Path folder, int count) {
        try {
            for (int i = 1; i <= count; i++) {
                Path project = folder.resolve("project-%02d".formatted(i));
                if (Files.isDirectory(project)) {
                    continue;
                }
                Files.createDirectories(project);
                if (i == 2) {
                    Files.writeString(project.resolve("SLOW"), "60\n");
                } else if (i == 3) {
                    Files.writeString(project.resolve("LOCKED"), "greet fails once, then removes this file\n");
                }
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo projects in " + folder, e);
        }
    }
}
