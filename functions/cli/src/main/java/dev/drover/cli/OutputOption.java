package dev.drover.cli;

import picocli.CommandLine.Option;

/** {@code -o/--output} for the commands that answer one thing: a line for people, or the API's JSON. */
final class OutputOption {
    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "table (default: one line) or json: the API's answer.")
    Output output;
}
