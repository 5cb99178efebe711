package dev.drover.migrator;

import dev.drover.contract.run.StepEvent;

import java.util.Optional;

/** Opens a candidate's files for a dry-run (e.g. clones its repository). */
@FunctionalInterface
public interface FileSources {
    FileSource open(StepEvent.CandidateRef candidate) throws Exception;

    /** For migrators whose steps change no files: every file reads as absent. */
    static FileSources none() {
        return candidate -> path -> Optional.empty();
    }
}
