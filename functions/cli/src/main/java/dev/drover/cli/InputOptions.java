package dev.drover.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --input KEY=VALUE}, repeatable: the migration's declared inputs for a start, a dry-run or a rollout. */
final class InputOptions {
    @Option(names = "--input", paramLabel = "KEY=VALUE", description = "An input the migration declares (repeatable).")
    Map<String, String> inputs = new LinkedHashMap<>();
}
