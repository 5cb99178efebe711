package dev.drover.migrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A step that rewrites one file of each candidate's folder under a root ({@code root/<candidate id>/<file>}): on
 * disk when executed, in the draft when simulated, so its dry-run shows exactly what it would write. The rewrite
 * reads the file as it stands (empty when absent) and must converge: applied twice, it gives what it gave once.
 */
public record FileEdit(Path root, String file, Rewrite rewrite) implements StepHandler {
    /** The file's new content, from the step and the file's current content. */
    @FunctionalInterface
    public interface Rewrite {
        String apply(StepContext step, Optional<String> text) throws Exception;
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        // The candidate id comes from the platform's event: Workspace keeps the path inside root.
        Path path = Workspace.resolve(root, step.candidate().id(), file);
        Files.writeString(path, rewrite.apply(step, read(path)));
        return StepResult.succeeded(Map.of("file", file), step.step().name() + ": " + file + " written");
    }

    @Override
    public void simulate(StepContext step, Draft draft) throws Exception {
        draft.write(file, rewrite.apply(step, draft.read(file)));
    }

    static Optional<String> read(Path path) throws IOException {
        return Files.exists(path) ? Optional.of(Files.readString(path)) : Optional.empty();
    }
}
