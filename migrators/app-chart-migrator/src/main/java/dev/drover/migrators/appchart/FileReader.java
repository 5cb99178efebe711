package dev.drover.migrators.appchart;

import java.util.Optional;

/** Reads a repository file by path: a clone's working tree, a dry-run's draft, a file source. */
@FunctionalInterface
public interface FileReader {
    Optional<String> read(String path) throws Exception;
}
