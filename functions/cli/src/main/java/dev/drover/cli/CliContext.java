package dev.drover.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of the CLI reads from its surroundings, given once so tests can choose it: the environment, the
 * folder whose {@code .drover/local.env} names the local stack (the repository root; {@code -Ddrover.home}),
 * and the terminal.
 */
record CliContext(Map<String, String> env, Path home, Terminal terminal) {
    static CliContext detect() {
        Map<String, String> env = System.getenv();
        Path home = Path.of(System.getProperty("drover.home", "."));
        return new CliContext(env, home, Terminal.detect(env));
    }
}
