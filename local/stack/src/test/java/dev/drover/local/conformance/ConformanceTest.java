package dev.drover.local.conformance;

import dev.drover.local.conformance.HandMadeMigrator.Behaviour;
import dev.drover.migrator.MigratorSettings;
import dev.drover.local.stack.NodeExample;
import dev.drover.migrators.hello.HelloMigrator;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance kit against migrators that keep the contract (the SDK's hello-migrator, in this JVM and as a process
 * started by {@code ./drover conformance ... -- COMMAND}; a migrator written by hand) and against ones that break it,
 * each stopped at its first violation with a report that says what was expected and what was seen.
 */
class ConformanceTest {
    private static ConformanceOptions options(String app, MigratorLauncher launcher) {
        return ConformanceOptions.of(app, launcher)
                .withPatience(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMillis(1000));
    }

    private static Path projects(Path dir) throws Exception {
        for (String project : List.of("alpha", "beta")) {
            Files.createDirectories(dir.resolve(project));
        }
        return dir;
    }

    @Test
    void theHelloMigratorPassesEveryCheck(@TempDir Path dir) throws Exception {
        Path projects = projects(dir);
        Report report = Conformance.run(options(HelloMigrator.APP_ID, MigratorLauncher.inProcess(env -> HelloMigrator.builder(projects, java.util.function.UnaryOperator.identity())
                // The Dapr SDK reads its endpoints from the process's environment; in this JVM they come from the kit's.
                .dapr(new DaprClientBuilder().withPropertyOverrides(Map.of(Properties.GRPC_ENDPOINT, env.get("DAPR_GRPC_ENDPOINT"),
                                                                            Properties.HTTP_ENDPOINT, env.get("DAPR_HTTP_ENDPOINT"),
                                                                            Properties.API_TOKEN, env.get("DAPR_API_TOKEN"))).build())
                .start(MigratorSettings.fromEnvironment(env)))));

        report.assertPassed();
        assertEquals(List.of(Check.Outcome.PASS), report.checks().stream().map(Check::outcome).distinct().toList(), report.render());
        String text = report.render();
        assertTrue(text.contains("migration hello-world"), text);
        assertTrue(text.contains("unsigned 401"), text);
        assertTrue(text.contains("an unsigned POST /discover 401, an unsigned POST /dry-run 401; none executed"), text);
        assertTrue(text.contains("answered failed"), text);
        assertTrue(text.contains("greet (dispatch 2, structured): succeeded; sign (dispatch 1, binary): succeeded"), text);
        assertTrue(text.contains("not executed again; run completed"), text);
        assertEquals("Hello, alpha!\n-- the Drover fleet\n", Files.readString(projects.resolve("alpha/HELLO.md")),
                     "each step ran once: one greeting, one signature");
    }

    @Test
    void theCommandLineStartsTheHelloMigratorJarAndExitsZero(@TempDir Path dir) throws Exception {
        Path projects = projects(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ConformanceMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                                       "--app", HelloMigrator.APP_ID, "--env", "HELLO_DIR=" + projects, "--quiet-ms", "1000",
                                       "--log", dir.resolve("hello.log").toString(),
                                       "--", java, "-cp", System.getProperty("java.class.path"), HelloMigrator.class.getName());
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, report);
        assertTrue(report.contains("PASSED: the migrator speaks the contract"), report);
        assertTrue(Files.readString(dir.resolve("hello.log")).contains("hello"), "the migrator's output went to --log");
    }

    @Test
    void theNodeExampleMigratorPassesEveryCheck(@TempDir Path dir) throws Exception {
        Path example = NodeExample.prepare();
        Path projects = projects(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ConformanceMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                                       "--app", "node-hello", "--env", "HELLO_DIR=" + projects, "--quiet-ms", "1000",
                                       "--log", dir.resolve("node.log").toString(),
                                       "--", "node", example.resolve("index.js").toString());
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, report + "\nthe migrator's log:\n" + Files.readString(dir.resolve("node.log")));
        assertTrue(report.contains("PASSED: the migrator speaks the contract"), report);
        assertFalse(report.contains("SKIP"), "a migrator in another language answers dry-runs too: " + report);
    }

    @Test
    void aCommandThatExitsBeforeAnnouncingIsReportedWithItsExitCodeAndLastLines(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = ConformanceMain.run(new PrintStream(out, true, StandardCharsets.UTF_8), "--app", "gone-migrator",
                                       "--log", dir.resolve("gone.log").toString(),
                                       "--", "sh", "-c", "echo cannot reach \"$DROVER_API_URL\" today; exit 7");
        String report = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, report);
        assertTrue(report.contains("FAIL  1 announcement"), report);
        assertTrue(report.contains("exited with 7"), report);
        assertTrue(report.contains("                    cannot reach http://127.0.0.1:"), "its last lines, with the environment it was given: " + report);
        assertTrue(report.contains("----  6 run: steps, redelivery"), report);
    }

    @Test
    void aMigratorWrittenByHandPassesAndSkipsTheDryRunItDoesNotOffer() throws Exception {
        MigratorLauncher handMade = HandMadeMigrator.launcher("hand-made-migrator", Behaviour.KEEPS_CONTRACT);
        AtomicInteger readiness = new AtomicInteger();
        Report report = Conformance.run(options("hand-made-migrator", environment -> {
            // what a migrator that waits for the platform's readiness before it announces would see as it starts
            URI ready = URI.create(environment.get("DROVER_API_URL")).resolve("/observe/health/ready");
            try (HttpClient http = HttpClient.newHttpClient()) {
                readiness.set(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            return handMade.launch(environment);
        }));

        assertEquals(204, readiness.get(), "the kit's platform answers ready by the time the migrator starts");
        report.assertPassed();
        assertEquals(Check.Outcome.SKIP, report.checks().get(2).outcome(), report.render());
        assertTrue(report.render().contains("announced no migratorUrl"), report.render());
    }

    @Test
    void aStepThatStaysPendingIsAValidCallbackAndTheRunStopsThere() throws Exception {
        Report report = Conformance.run(options("waiting-migrator", HandMadeMigrator.launcher("waiting-migrator", Behaviour.STAYS_PENDING)));

        report.assertPassed();
        String run = report.checks().get(5).detail();
        assertTrue(run.startsWith("touch (dispatch 2, structured): pending;"), run);
        assertTrue(run.endsWith("touch stayed pending: the run stops there"), run);
        assertTrue(run.contains("redelivery of touch (binary) answered 202, not executed again"), run);
    }

    @Test
    void aMigratorThatExecutesUnsignedEventsFailsTheForgeryCheckAndNothingAfter() throws Exception {
        Report report = Conformance.run(options("lax-migrator", HandMadeMigrator.launcher("lax-migrator", Behaviour.ACCEPTS_UNSIGNED)));

        assertFalse(report.passed());
        Check first = report.firstViolation().orElseThrow();
        assertEquals("forged step events", first.name(), report.render());
        assertTrue(first.seen().startsWith("'unsigned' (no droversig extension, structured mode) answered 202"), first.seen());
        assertEquals(List.of(Check.Outcome.NOT_RUN, Check.Outcome.NOT_RUN),
                     report.checks().subList(4, 6).stream().map(Check::outcome).toList());
        assertTrue(report.render().contains("FAILED: check 4 (forged step events) is the first violation"), report.render());
    }

    @Test
    void aMigratorThatExecutesARedeliveryAgainFailsTheRunCheck() throws Exception {
        Report report = Conformance.run(options("eager-migrator", HandMadeMigrator.launcher("eager-migrator", Behaviour.EXECUTES_REDELIVERIES)));

        Check first = report.firstViolation().orElseThrow(() -> new AssertionError(report.render()));
        assertEquals(6, first.number(), report.render());
        assertTrue(first.expected().contains("not executed again"), first.expected());
        assertTrue(first.seen().contains("another callback for step touch (dispatch 2)"), first.seen());
    }

    @Test
    void aMigratorThatNeverCallsBackFailsWithWhatItWaitedFor() throws Exception {
        Report report = Conformance.run(options("silent-migrator", HandMadeMigrator.launcher("silent-migrator", Behaviour.SILENT))
                                                .withPatience(Duration.ofSeconds(60), Duration.ofSeconds(3), Duration.ofMillis(500)));

        Check first = report.firstViolation().orElseThrow(() -> new AssertionError(report.render()));
        assertEquals(5, first.number(), report.render());
        assertTrue(first.seen().startsWith("no final callback within 3 s"), first.seen());
    }
}
