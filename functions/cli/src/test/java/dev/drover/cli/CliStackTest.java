package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Role;
import dev.drover.core.function.Settings;
import dev.drover.core.state.RedisState;
import dev.drover.local.stack.LocalStack;
import dev.drover.local.stack.LocalStackSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operator command against the whole local stack as {@code ./drover up} runs it, with its demo migrators:
 * hello-world (12 projects; project-02 is SLOW, project-03 fails its first step once, LOCKED) and app-chart-upgrade.
 * The CLI runs in process; the API, the runs and the migrators are the real ones, over real sockets.
 */
class CliStackTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String REDIS = System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL);
    private static LocalStackSettings settings;
    private static LocalStack stack;
    private static Cli operator;

    @TempDir
    static Path home;

    @BeforeAll
    static void start() throws Exception {
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", REDIS, "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        settings = LocalStackSettings.ephemeral(functions, freePort());
        stack = LocalStack.start(settings);
        operator = Cli.of(stack.apiUri().toString(), stack.issuer().userToken("cli-ann", Role.OPERATOR), home);
        operator.await("both demos discovered", PATIENCE, answer -> total(answer, "hello-world") == 12 && total(answer, "app-chart-upgrade") > 0,
                       "migrations", "-o", "json");
    }

    @AfterAll
    static void stop() throws IOException {
        if (stack != null) {
            String prefix = stack.state().keys().prefix();
            stack.close();
            try (RedisState cleaner = RedisState.connect(URI.create(REDIS), prefix)) {
                cleaner.deleteAllKeys();
            }
        }
        if (settings != null && Files.exists(settings.demoDir())) {
            try (var files = Files.walk(settings.demoDir())) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long total(JsonNode migrations, String id) {
        for (JsonNode m : migrations.path("items")) {
            if (m.path("id").asText().equals(id)) {
                return m.path("candidates").path("total").asLong();
            }
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(c -> ids.add(c.path("id").asText()));
        return ids;
    }

    @Test
    void migrationsListsTheDemosWithTheirCounts() {
        Cli.Result table = operator.run("migrations");
        assertEquals(0, table.exit(), table.toString());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).startsWith("MIGRATION"), table.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("app-chart-upgrade ")), table.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("hello-world\\s+12\\s+.*hello-migrator.*")), table.toString());

        Cli.Result json = operator.run("migrations", "--output", "json");
        assertEquals(12, total(json.json(), "hello-world"), "the API's own JSON: " + json.out());
    }

    @Test
    void candidatesFilterByMetadataAndPage() {
        JsonNode all = operator.run("candidates", "app-chart-upgrade", "--all", "-o", "json").json();
        JsonNode payments = operator.run("candidates", "app-chart-upgrade", "--meta", "team=payments", "--all", "-o", "json").json();
        assertFalse(payments.path("items").isEmpty(), payments.toString());
        assertTrue(payments.path("items").size() < all.path("items").size(), "the filter leaves some out");
        payments.path("items").forEach(c -> assertEquals("payments", c.path("metadata").path("team").asText(), c.toString()));
        assertTrue(payments.path("nextCursor").isNull(), "--all reads to the last page");

        JsonNode firstThree = operator.run("candidates", "hello-world", "--limit", "3", "-o", "json").json();
        assertEquals(List.of("project-01", "project-02", "project-03"), ids(firstThree));
        assertTrue(firstThree.path("nextCursor").isTextual(), "more match, and the page says so: " + firstThree);
        Cli.Result table = operator.run("candidates", "hello-world", "--limit", "3");
        assertEquals(0, table.exit(), table.toString());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("project-02 ") && l.contains("owner=hello")), table.toString());
        assertTrue(table.out().contains("3 shown; more match"), table.toString());
    }

    @Test
    void candidatesFilterByStatusOnceARunCompleted() throws Exception {
        assertEquals(0, operator.run("start", "hello-world", "project-04").exit());
        operator.await("project-04 completed", PATIENCE, shown -> shown.path("candidate").path("status").asText().equals("completed"),
                       "show", "hello-world", "project-04", "-o", "json");
        JsonNode completed = operator.run("candidates", "hello-world", "--status", "completed", "-o", "json").json();
        assertTrue(ids(completed).contains("project-04"), completed.toString());
        completed.path("items").forEach(c -> assertEquals("completed", c.path("status").asText()));
        assertFalse(ids(operator.run("candidates", "hello-world", "--status", "not_started", "--all", "-o", "json").json()).contains("project-04"));
    }

    @Test
    void startThenShowPrintsTheTimeline() throws Exception {
        Cli.Result started = operator.run("start", "hello-world", "project-01");
        assertEquals(0, started.exit(), started.toString());
        assertTrue(started.out().matches("started hello-world/project-01: run \\S+, attempt 1, steps greet → sign\\n"), started.out());

        operator.await("project-01 completed", PATIENCE, shown -> shown.path("candidate").path("status").asText().equals("completed"),
                       "show", "hello-world", "project-01", "-o", "json");
        Cli.Result shown = operator.run("show", "hello-world", "project-01");
        assertEquals(0, shown.exit(), shown.toString());
        List<String> lines = shown.out().lines().toList();
        assertTrue(lines.get(0).startsWith("hello-world / project-01  completed"), shown.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("run \\S+  attempt 1  completed")), shown.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("1\\s+greet\\s+succeeded\\s+1\\s+.*greet: HELLO.md written.*")), shown.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("2\\s+sign\\s+succeeded\\s+1\\s+.*sign: HELLO.md written.*")), shown.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\s+greet file: .*HELLO.md")), "a step's metadata, whole: " + shown.out());

        Cli.Result again = operator.run("start", "hello-world", "project-01");
        assertEquals(ExitCodes.REFUSED, again.exit(), again.toString());
        assertTrue(again.err().matches("drover: POST " + stack.apiUri().resolve("/migrations/hello-world/candidates/project-01/start")
                                       + ": 409 already_completed: .*\\n"), again.err());

        // --rerun re-applies the migration: attempt 2 runs every step again.
        Cli.Result rerun = operator.run("start", "hello-world", "project-01", "--rerun");
        assertEquals(0, rerun.exit(), rerun.toString());
        assertTrue(rerun.out().matches("started hello-world/project-01: run \\S+, attempt 2, steps greet → sign\\n"), rerun.out());
        operator.await("project-01 completed again", PATIENCE,
                       shown2 -> shown2.path("steps").path("attempt").asInt() == 2 && shown2.path("candidate").path("status").asText().equals("completed"),
                       "show", "hello-world", "project-01", "-o", "json");
    }

    @Test
    void aSlowRunIsCancelledAndALockedStepRetried() throws Exception {
        assertEquals(0, operator.run("start", "hello-world", "project-02").exit());
        operator.await("project-02's first step dispatched", PATIENCE,
                       shown -> shown.path("steps").path("steps").path(0).path("status").asText().equals("dispatched"),
                       "show", "hello-world", "project-02", "-o", "json");
        Cli.Result cancelled = operator.run("cancel", "hello-world", "project-02");
        assertEquals(0, cancelled.exit(), cancelled.toString());
        assertTrue(cancelled.out().matches("cancell(ed|ing) hello-world/project-02: run \\S+.*\\n"), cancelled.out());
        operator.await("project-02 back to not started", PATIENCE, shown -> shown.path("candidate").path("status").asText().equals("not_started"),
                       "show", "hello-world", "project-02", "-o", "json");

        Cli.Result nothingToRetry = operator.run("retry", "hello-world", "project-02");
        assertEquals(ExitCodes.REFUSED, nothingToRetry.exit(), nothingToRetry.toString());
        assertTrue(nothingToRetry.err().contains(": 409 "), nothingToRetry.err());

        assertEquals(0, operator.run("start", "hello-world", "project-03").exit());
        operator.await("project-03 failed", PATIENCE, shown -> shown.path("candidate").path("status").asText().equals("failed"),
                       "show", "hello-world", "project-03", "-o", "json");
        Cli.Result failed = operator.run("show", "hello-world", "project-03");
        assertTrue(failed.out().lines().anyMatch(l -> l.matches("1\\s+greet\\s+failed\\s+1\\s+.*LOCKED.*")), failed.out());

        Cli.Result retried = operator.run("retry", "hello-world", "project-03");
        assertEquals(0, retried.exit(), retried.toString());
        assertTrue(retried.out().matches("retrying hello-world/project-03: step greet, dispatch 2 of run \\S+\\n"), retried.out());
        operator.await("project-03 completed", PATIENCE, shown -> shown.path("candidate").path("status").asText().equals("completed"),
                       "show", "hello-world", "project-03", "-o", "json");
        assertTrue(operator.run("show", "hello-world", "project-03").out().lines()
                           .anyMatch(l -> l.matches("1\\s+greet\\s+succeeded\\s+2\\s+.*")), "two dispatches of greet");
    }

    @Test
    void aRolloutsCanaryIsPromotedWatchedToItsEndAndListed() throws Exception {
        Cli.Result started = operator.run("rollout", "hello-world", "--ids", "project-09,project-10", "--concurrency", "1",
                                          "--canary", "1", "-o", "json");
        assertEquals(0, started.exit(), started.toString());
        String rollout = started.json().path("rolloutId").asText();
        operator.await("the canary's wave waiting for a promotion", PATIENCE,
                       shown -> "promote".equals(shown.path("wave").path("waiting").asText()), "rollouts", "hello-world", rollout, "-o", "json");

        // watch --until-done follows the event stream until no run and no rollout is going, the promoted rest included.
        CompletableFuture<Cli.Result> watching = CompletableFuture.supplyAsync(
                () -> operator.run("watch", "hello-world", "--until-done", "-o", "json"));
        Cli.Result promoted = operator.run("promote", "hello-world", rollout);
        assertEquals(0, promoted.exit(), promoted.toString());
        Cli.Result watched = watching.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertTrue(watched.exit() == 0 || watched.exit() == ExitCodes.ENDED_BADLY, watched.toString());
        assertTrue(watched.out().lines().anyMatch(line -> line.startsWith("{\"event\":\"counts\"")), watched.out());

        JsonNode done = operator.await("the rollout completed", PATIENCE, shown -> "completed".equals(shown.path("status").asText()),
                                       "rollouts", "hello-world", rollout, "-o", "json");
        assertEquals(2, done.path("counts").path("started").asInt(), done.toString());
        assertTrue(operator.run("rollouts", "hello-world").out().contains(rollout), "listed");
        for (String candidate : List.of("project-09", "project-10")) {
            assertEquals("completed", operator.run("show", "hello-world", candidate, "-o", "json").json()
                    .path("candidate").path("status").asText(), candidate);
        }
        Cli.Result late = operator.run("promote", "hello-world", rollout);
        assertEquals(ExitCodes.REFUSED, late.exit(), late.toString());
        assertTrue(late.err().contains(": 409 rollout_ended"), late.err());
    }

    @Test
    void anOperatorCompletesAStepByHandAndTheRunGoesOn() throws Exception {
        // app-chart-upgrade's await-merge waits for the change request to merge: here it was merged elsewhere.
        assertEquals(0, operator.run("start", "app-chart-upgrade", "ledger").exit());
        operator.await("ledger waiting for its merge", PATIENCE,
                       shown -> shown.path("steps").path("steps").path(1).path("status").asText().equals("pending"),
                       "show", "app-chart-upgrade", "ledger", "-o", "json");
        Cli.Result early = operator.run("complete", "app-chart-upgrade", "ledger", "bump-chart");
        assertEquals(ExitCodes.REFUSED, early.exit(), "a step that is over is not the current one: " + early);

        Cli.Result completed = operator.run("complete", "app-chart-upgrade", "ledger", "await-merge", "--outcome", "merged",
                                            "--message", "merged by hand");
        assertEquals(0, completed.exit(), completed.toString());
        assertEquals("completed app-chart-upgrade/ledger: step await-merge merged\n", completed.out());
        // The run goes on to its next step, verify (which checks the main branch: that is the migrator's business).
        operator.await("ledger's verify step dispatched", PATIENCE,
                       shown -> !shown.path("steps").path("steps").path(2).path("status").asText().equals("not_started"),
                       "show", "app-chart-upgrade", "ledger", "-o", "json");
        assertTrue(operator.run("show", "app-chart-upgrade", "ledger").out().lines()
                           .anyMatch(l -> l.matches("2\\s+await-merge\\s+merged\\s+.*merged by hand.*")), "the timeline says it");
        Cli.Result viewer = Cli.of(stack.apiUri().toString(), stack.issuer().userToken("cli-vic", Role.VIEWER), home)
                .run("complete", "app-chart-upgrade", "ledger", "await-merge");
        assertEquals(ExitCodes.REFUSED, viewer.exit(), viewer.toString());
    }

    @Test
    void dryRunPrintsTheDiffColouredOnlyOnATerminal() {
        Cli.Result plain = operator.run("dry-run", "hello-world", "project-05");
        assertEquals(0, plain.exit(), plain.toString());
        assertTrue(plain.out().contains("step greet"), plain.out());
        assertTrue(plain.out().lines().anyMatch(l -> l.equals("+Hello, project-05!")), plain.out());
        assertTrue(plain.out().lines().anyMatch(l -> l.startsWith("@@ ")), plain.out());
        assertFalse(plain.out().contains("\u001b["), "no escape codes in a pipe");
        assertTrue(Files.notExists(settings.demoDir().resolve("hello/project-05/HELLO.md")), "a dry-run writes nothing");

        Cli terminal = operator.on(new Terminal(true, 100, true));
        Cli.Result coloured = terminal.run("dry-run", "hello-world", "project-05");
        assertTrue(coloured.out().contains("\u001b[32m+Hello, project-05!\u001b[0m"), coloured.out());
        assertTrue(coloured.out().contains("\u001b[1m+++ b/HELLO.md\u001b[0m"), "file headers bold: " + coloured.out());
        assertTrue(coloured.out().contains("\u001b[36m@@ -1,1 +1,2 @@\u001b[0m"), "hunks cyan: " + coloured.out());
        Cli.Result noColour = terminal.run("dry-run", "hello-world", "project-05", "--no-color");
        assertFalse(noColour.out().contains("\u001b["), noColour.out());

        JsonNode json = operator.run("dry-run", "hello-world", "project-05", "-o", "json").json();
        assertEquals("greet", json.path("steps").path(0).path("step").asText(), "the API's answer: " + json);
    }

    @Test
    void noTokenIsOneLineAndSaysHowToGetOne() throws IOException {
        Cli anonymous = operator.with("DROVER_TOKEN", null);
        Cli.Result refused = anonymous.run("migrations");
        assertEquals(ExitCodes.USAGE, refused.exit(), refused.toString());
        assertEquals("drover: no token for " + stack.apiUri() + ": set DROVER_TOKEN or pass --token-file FILE\n", refused.err());
        assertEquals("", refused.out());

        // With a local stack running from here (its .drover/local.env), the line says how to get a token from it.
        Path local = Files.createDirectories(home.resolve("with-stack/.drover")).resolve("local.env");
        Files.writeString(local, "DROVER_API_URL=" + stack.apiUri() + "\n");
        Cli beside = new Cli(Map.of(), home.resolve("with-stack"), Terminal.PIPE);
        Cli.Result hinted = beside.run("migrations");
        assertEquals(ExitCodes.USAGE, hinted.exit());
        assertTrue(hinted.err().endsWith("the local stack runs, so: export DROVER_TOKEN=$(./drover token --role operator | tail -1)\n"), hinted.err());
        assertEquals(1, hinted.err().lines().count());

        // ... and that stack is the default API: a token is all it takes.
        Cli.Result listed = beside.with("DROVER_TOKEN", stack.issuer().userToken("cli-vic", Role.VIEWER)).run("migrations");
        assertEquals(0, listed.exit(), listed.toString());
        assertTrue(listed.out().contains("hello-world"));

        Cli.Result expired = beside.with("DROVER_TOKEN", "not-a-jwt").run("migrations");
        assertEquals(ExitCodes.REFUSED, expired.exit(), expired.toString());
        assertTrue(expired.err().startsWith("drover: GET " + stack.apiUri().resolve("/migrations") + ": 401 invalid_credential: "), expired.err());
        assertTrue(expired.err().endsWith("(a new token: export DROVER_TOKEN=$(./drover token --role operator | tail -1))\n"), expired.err());

        // Another API than the local stack's: no hint about the local stack's issuer.
        Cli.Result elsewhere = beside.run("migrations", "--api", "http://127.0.0.1:9");
        assertEquals("drover: no token for http://127.0.0.1:9: set DROVER_TOKEN or pass --token-file FILE\n", elsewhere.err());

        Path tokenFile = Files.writeString(home.resolve("token"), stack.issuer().userToken("cli-vic", Role.VIEWER) + "\n");
        assertEquals(0, anonymous.run("migrations", "--token-file", tokenFile.toString()).exit());
    }

    @Test
    void aBadTokenOrAMissingRoleIsRefused() {
        Cli.Result invalid = operator.with("DROVER_TOKEN", "not-a-jwt").run("migrations");
        assertEquals(ExitCodes.REFUSED, invalid.exit(), invalid.toString());
        assertTrue(invalid.err().startsWith("drover: GET " + stack.apiUri().resolve("/migrations") + ": 401 invalid_credential: "), invalid.err());
        assertTrue(invalid.err().endsWith("(get a new token from the identity provider)\n"), invalid.err());

        Cli viewer = operator.with("DROVER_TOKEN", stack.issuer().userToken("cli-vic", Role.VIEWER));
        Cli.Result forbidden = viewer.run("start", "hello-world", "project-06");
        assertEquals(ExitCodes.REFUSED, forbidden.exit(), forbidden.toString());
        assertTrue(forbidden.err().contains(": 403 forbidden: "), forbidden.err());
    }

    @Test
    void anUnknownMigrationOrCandidateIsNotFound() {
        Cli.Result migration = operator.run("candidates", "no-such-migration");
        assertEquals(ExitCodes.NOT_FOUND, migration.exit(), migration.toString());
        assertTrue(migration.err().startsWith("drover: GET " + stack.apiUri().resolve("/migrations/no-such-migration/candidates")
                                              + "?limit=50: 404 migration_not_found: "), migration.err());
        assertEquals(1, migration.err().lines().count());

        Cli.Result candidate = operator.run("show", "hello-world", "project-99");
        assertEquals(ExitCodes.NOT_FOUND, candidate.exit(), candidate.toString());
        assertTrue(candidate.err().contains("404 candidate_not_found"), candidate.err());
    }

    @Test
    void anApiThatIsDownIsNamedInTheMessage() throws IOException {
        String down = "http://127.0.0.1:" + freePort();
        Cli.Result unreachable = operator.run("migrations", "--api", down);
        assertEquals(ExitCodes.UNAVAILABLE, unreachable.exit(), unreachable.toString());
        assertTrue(unreachable.err().startsWith("drover: cannot reach the API at " + down + " (GET " + down + "/migrations: connection refused)"),
                   unreachable.err());
        assertEquals(1, unreachable.err().lines().count());
    }

    @Test
    void usageMistakesExitTwoWithoutCallingTheApi() {
        Cli.Result missing = operator.run("show", "hello-world");
        assertEquals(ExitCodes.USAGE, missing.exit());
        assertTrue(missing.err().startsWith("drover: Missing required parameter: 'CANDIDATE' (see ./drover show --help)"), missing.err());
        Cli.Result both = operator.run("rollout", "hello-world", "--max-failures", "3", "--max-failure-percent", "10");
        assertEquals(ExitCodes.USAGE, both.exit(), both.toString());
        Cli.Result help = operator.run("candidates", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("Exit codes:") && help.out().contains("4   not found"), help.out());
    }
}
