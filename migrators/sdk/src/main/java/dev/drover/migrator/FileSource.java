package dev.drover.migrator;

import java.util.Optional;

/**
 * Where a dry-run reads a candidate's files before any step changes them (e.g. a fresh clone of the
 * repository's main branch). Closed when the dry-run ends.
 */
public interface FileSource extends AutoCloseable {
    Optional<String> read(String path) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
