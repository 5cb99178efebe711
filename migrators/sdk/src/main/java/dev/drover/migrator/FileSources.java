package dev.drover.migrator;

import dev.drover.contract.run.StepEvent;

import java.util.Optional;

/** Opens a candidate's files for a dry-run (e.g. clones its repository). */
@FunctionalInterface
public interface FileSources {
    FileSource open(StepEvent.CandidateRef candidate) throws Exception;

    /**
     * Each candidate is a folder under {@code root}, named by its id: dry-runs read {@code root/<candidate id>/<path>},
     * never outside {@code root} (see {@link Workspace#resolve}).
     */
    static FileSources folders(java.nio.file.Path root) {
        return candidate -> path -> FileEdit.read(Workspace.resolve(root, candidate.id(), path));
    }

    /** For migrators whose steps change no files: every file reads as absent. */
    static FileSources none() {
        return candidate -> path -> Optional.empty();
    }
}
