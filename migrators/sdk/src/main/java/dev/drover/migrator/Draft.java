package dev.drover.migrator;

import java.util.Optional;

/**
 * The files of a candidate as a dry-run sees them: the source as it stands, with the earlier steps'
 * simulated changes on top. Paths are relative to the candidate's source (e.g. a repository root).
 */
public interface Draft {
    /** The file's content, or empty when it does not exist (or an earlier step deleted it). */
    Optional<String> read(String path) throws Exception;

    void write(String path, String content);

    void delete(String path);
}
