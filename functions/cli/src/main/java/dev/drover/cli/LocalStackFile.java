package dev.drover.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code .drover/local.env}, which {@code ./drover up} writes while the local stack runs (and deletes at stop): the
 * CLI's default API URL comes from it, as {@code ./drover token} and {@code ./drover merge} find the stack.
 */
record LocalStackFile(Map<String, String> values) {
    static final Path RELATIVE = Path.of(".drover", "local.env");

    /** The file under {@code home} (the repository's root), if a stack started from there is running. */
    static Optional<LocalStackFile> read(Path home) {
        Path file = home.resolve(RELATIVE);
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return Optional.of(new LocalStackFile(values));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    Optional<String> apiUrl() {
        return Optional.ofNullable(values.get("DROVER_API_URL")).filter(url -> !url.isBlank());
    }
}
