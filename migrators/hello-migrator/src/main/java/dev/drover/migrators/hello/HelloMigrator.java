package dev.drover.migrators.hello;

import dev.drover.contract.model.Check;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.migrator.FileEdit;
import dev.drover.migrator.FileSources;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The SDK's hello world: every folder under {@code HELLO_DIR} is a candidate; step {@code greet} writes its HELLO.md,
 * step {@code sign} signs it. Both converge when run again, and both answer dry-runs.
 */
public final class HelloMigrator {
    public static final String APP_ID = "hello-migrator";

    public static Migration migration() {
        return new Migration("hello-world", "Hello, world", "Writes a HELLO.md into every project folder and signs it.",
                             List.of("Greet", "Sign"),
                             List.of(new Step("greet", "Write HELLO.md", APP_ID, "greet", Map.of()),
                                     new Step("sign", "Sign HELLO.md", APP_ID, "sign", Map.of("signature", "-- the Drover fleet"))),
                             List.of());
    }

    /** @param around wraps each step's handler (the local stack's demo adds pauses and failures); identity for none */
    public static Migrator.Builder builder(Path projects, UnaryOperator<StepHandler> around) {
        return Migrator.builder(APP_ID, migration())
                .discovery(() -> {
                    try (Stream<Path> folders = Files.list(projects)) {
                        return folders.filter(Files::isDirectory).map(f -> f.getFileName().toString())
                                .filter(name -> Check.SLUG.matcher(name).matches()).sorted()
                                .map(name -> new DiscoveredCandidate(name, "folder", Map.of("owner", "hello"), List.of(), List.of()))
                                .toList();
                    }
                })
                .step("greet", around.apply(new FileEdit(projects, "HELLO.md", (step, text) -> "Hello, " + step.candidate().id() + "!\n")))
                .step("sign", around.apply(new FileEdit(projects, "HELLO.md", (step, text) -> {
                    String signature = step.config("signature") + "\n";
                    return text.orElse("").endsWith(signature) ? text.orElse("") : text.orElse("") + signature;
                })))
                .files(FileSources.folders(projects));
    }

    public static void main(String[] args) {
        Path projects = Path.of(System.getenv().getOrDefault("HELLO_DIR", "."));
        builder(projects, DemoFolders.around(projects)).start(MigratorSettings.fromEnvironment(System.getenv()));
    }
}
