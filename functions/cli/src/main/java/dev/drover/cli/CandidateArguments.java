package dev.drover.cli;

import picocli.CommandLine.Parameters;

/** MIGRATION CANDIDATE, the two positional arguments of start, cancel and retry. */
final class CandidateArguments {
    @Parameters(index = "0", paramLabel = "MIGRATION", description = "The migration's id.")
    String migration;

    @Parameters(index = "1", paramLabel = "CANDIDATE", description = "The candidate's id.")
    String candidate;

    String path(String action) {
        return ApiClient.path("migrations", migration, "candidates", candidate, action);
    }
}
