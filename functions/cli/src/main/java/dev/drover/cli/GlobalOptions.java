package dev.drover.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The options every command takes: where the API is, the token, colour. */
final class GlobalOptions {
    @Option(names = "--api", paramLabel = "URL",
            description = "The Drover API (default: DROVER_API_URL, else the running local stack's, from .drover/local.env, else "
                    + Connection.DEFAULT_API + ").")
    String api;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the bearer token (default: the DROVER_TOKEN variable).")
    Path tokenFile;

    @Option(names = "--no-color", description = "No colours even on a terminal (NO_COLOR set does the same).")
    boolean noColor;

    Optional<String> api() {
        return Optional.ofNullable(api);
    }

    Optional<Path> tokenFile() {
        return Optional.ofNullable(tokenFile);
    }
}
