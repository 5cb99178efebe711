package dev.drover.migrators.hello;

import dev.drover.contract.model.Check;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.migrator.Draft;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;
import dev.drover.migrator.Workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SDK's hello world: every folder under {@code HELLO_DIR} is a candidate; step {@code greet} writes
 * its HELLO.md, step {@code sign} signs it. Both are idempotent, and both answer dry-runs. So that an operator
 * can try cancel and retry on it, a folder may hold a {@code SLOW} file (its steps take that many seconds) or a
 * {@code LOCKED} file (its first step fails once, and removes the lock).
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

    public static Migrator.Builder builder(Path projects) {
        return Migrator.builder(APP_ID, migration())
                .discovery(() -> {
                    try (Stream<Path> folders = Files.list(projects)) {
                        return folders.filter(Files::isDirectory).map(f -> f.getFileName().toString())
                                .filter(name -> Check.SLUG.matcher(name).matches()).sorted()
                                .map(name -> new DiscoveredCandidate(name, "folder", Map.of("owner", "hello"), List.of(), List.of()))
                                .toList();
                    }
                })
                .step("greet", new Edit(projects, (step, text) -> "Hello, " + step.candidate().id() + "!\n"))
                .step("sign", new Edit(projects, (step, text) -> {
                    String signature = step.config("signature") + "\n";
                    return text.orElse("").endsWith(signature) ? text.orElse("") : text.orElse("") + signature;
                }))
                // The candidate id and the path come from the platform's request: both stay inside the projects folder.
                .files(candidate -> path -> read(Workspace.resolve(projects, candidate.id(), path)));
    }

    /** Rewrites HELLO.md from what it holds: on disk when executed, in the draft when simulated. */
    private record Edit(Path projects, Rewrite rewrite) implements StepHandler {
        @Override
        public StepResult execute(StepContext step) throws IOException, InterruptedException {
            Path lock = Workspace.resolve(projects, step.candidate().id(), "LOCKED");
            if (Files.deleteIfExists(lock)) {
                return StepResult.failed(step.candidate().id() + " was LOCKED; the lock is gone now: retry the step");
            }
            Path slow = Workspace.resolve(projects, step.candidate().id(), "SLOW");
            if (Files.exists(slow)) {
                Thread.sleep(Math.min(600, Long.parseLong(Files.readString(slow).strip())) * 1000);
            }
            Path file = Workspace.resolve(projects, step.candidate().id(), "HELLO.md");
            Files.writeString(file, rewrite.apply(step, read(file)));
            return StepResult.succeeded(Map.of("file", file.toString()), step.step().name() + " done");
        }

        @Override
        public void simulate(StepContext step, Draft draft) throws Exception {
            draft.write("HELLO.md", rewrite.apply(step, draft.read("HELLO.md")));
        }
    }

    private interface Rewrite {
        String apply(StepContext step, Optional<String> text);
    }

    private static Optional<String> read(Path file) throws IOException {
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    public static void main(String[] args) {
        Path projects = Path.of(System.getenv().getOrDefault("HELLO_DIR", "."));
        builder(projects).start(MigratorSettings.fromEnvironment(System.getenv()));
    }
}
