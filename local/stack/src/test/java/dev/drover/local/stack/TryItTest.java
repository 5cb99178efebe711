package dev.drover.local.stack;

import dev.drover.core.function.Settings;
import dev.drover.core.state.RedisState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's "Try it", run as a newcomer runs it: the local stack as {@code ./drover up} starts it (on port 8080,
 * demos included, its {@code .drover/local.env} beside the {@code drover} script), then every command of the section's
 * bash blocks, read from README.md and typed into one bash session exactly as written, in order. The session stands in
 * a folder of its own holding a copy of the repository's {@code drover} script (its token and merge commands need only
 * that file and the stack's local.env), so a developer's own {@code ./drover up} is left alone; when it holds port 8080,
 * the commands' {@code localhost:8080} is the one thing changed, to a free port, and the test says so. Each command has an expectation here,
 * taken from what its comment promises; a command the README gains without one fails this test, so the two cannot
 * drift apart. Where the README says "soon" or "a second later", the test waits for that moment, then runs the
 * command as written.
 */
class TryItTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern COMPLETED = Pattern.compile("\"status\"\\s*:\\s*\"completed\"");

    private final Path home = Files.createTempDirectory("drover-try-it-");
    private final String prefix = "drover-test-" + UUID.randomUUID() + ":";
    private Process stack;
    private Process shell;

    TryItTest() throws IOException {
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : new Process[] {shell, stack}) {
            if (process != null) {
                process.destroy(); // SIGTERM: the stack removes its .drover/local.env on the way out
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
        StackKeys.drop(RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL)), prefix));
        DemoStack.delete(home);
    }

    /** What a command's output must show, and what must hold before it is typed (the README's "soon", "while it runs"). */
    private record Expectation(Predicate<String> output, String says, String before) {
        static Expectation shows(String... texts) {
            return new Expectation(out -> List.of(texts).stream().allMatch(out::contains), "shows " + String.join(", ", texts), null);
        }

        static Expectation answers() {
            return new Expectation(out -> !out.contains("\"error\""), "answers without an error", null);
        }

        Expectation after(String command) {
            return new Expectation(output, says, command);
        }

        /** Typed again until the output shows it (the README's "soon"), for up to a minute. */
        Expectation eventually() {
            return new Expectation(output, says + " (eventually)", "again");
        }
    }

    /** Each command of "Try it", by a text only it contains, with what its README comment promises. */
    private static Map<String, Expectation> expectations() {
        Map<String, Expectation> e = new LinkedHashMap<>();
        // An assignment exits with its pipeline's last command (tail): what shows the token came is the script's own line.
        e.put("OPERATOR=$(./drover token --role operator", Expectation.shows("drover: token of ann (operator)"));
        e.put("dcurl() {", Expectation.shows("")); // a definition prints nothing; the next commands use it
        e.put("dcurl localhost:8080/migrations ", Expectation.shows("\"hello-world\"", "\"app-chart-upgrade\"", "\"owner\""));
        e.put("meta.team=payments&limit=50", Expectation.shows("\"items\"", "payments"));
        e.put("idPrefix=check", Expectation.shows("\"checkout\""));
        e.put("dcurl -N localhost:8080/migrations/app-chart-upgrade/events", Expectation.shows("event:counts", "\"byStatus\""));
        e.put("dcurl localhost:8080/openapi.yaml", Expectation.shows("openapi:"));
        e.put("curl -s -o /dev/null -w '%{http_code}\\n' localhost:8080/migrations", Expectation.shows("401"));
        e.put("app-chart-upgrade/dry-run", Expectation.shows("\"diff\""));
        e.put("app-chart-upgrade/candidates/checkout/start", Expectation.shows("\"runId\""));
        e.put("app-chart-upgrade/candidates/checkout/steps ", Expectation.shows("bump-chart", "await-merge", "\"pending\"", "changeUrl").eventually());
        e.put("./drover merge checkout", Expectation.shows(""));
        e.put("app-chart-upgrade/candidates/checkout ", new Expectation(out -> COMPLETED.matcher(out).find(), "completed", "again"));
        e.put("pg-credential-rotation/dry-run", Expectation.answers());
        e.put("pg-credential-rotation/candidates/billing/start", Expectation.shows("\"runId\""));
        e.put("pg-credential-rotation/candidates/billing/steps", new Expectation(
                out -> out.split("\"succeeded\"", -1).length - 1 == 4, "create, publish, await-adoption, revoke: succeeded", "again"));
        e.put("hello-world/dry-run", Expectation.shows("HELLO.md"));
        e.put("hello-world/candidates/project-01/start    #", Expectation.shows("\"runId\""));
        e.put("hello-world/candidates/project-01/steps", Expectation.shows("\"status\""));
        e.put("hello-world/candidates/project-02/start", Expectation.shows("\"runId\""));
        e.put("hello-world/candidates/project-02/cancel", Expectation.answers());
        e.put("hello-world/candidates/project-03/start", Expectation.shows("\"runId\""));
        e.put("hello-world/candidates/project-03/retry-step", Expectation.answers()
                .after("dcurl localhost:8080/migrations/hello-world/candidates/project-03/steps | grep -q '\"failed\"'"));
        e.put("hello-world/candidates/project-01/start \\", Expectation.shows("\"runId\"")
                .after("dcurl localhost:8080/migrations/hello-world/candidates/project-01 | grep -q '\"status\":\"completed\"'"));
        e.put("history/totals?migration=app-chart-upgrade", Expectation.shows("\"runs\"").eventually());
        e.put("history/burndown?migration=app-chart-upgrade&bucket=hour", Expectation.answers());
        e.put("history/steps?migration=app-chart-upgrade", Expectation.shows("bump-chart").eventually());
        e.put("history/failures?limit=10", Expectation.answers());
        e.put("ADMIN=$(./drover token --role admin", Expectation.shows("drover: token of ada (admin)"));
        e.put("history/audit?actor=ann", Expectation.shows("\"ann\"").eventually());
        e.put("app-chart-upgrade/candidates/ledger/start", Expectation.shows("\"runId\""));
        e.put("ledger/steps/await-merge/complete", Expectation.answers()
                .after("dcurl localhost:8080/migrations/app-chart-upgrade/candidates/ledger/steps | grep -q 'await-merge.*\"pending\"'"));
        return e;
    }

    @Test
    void theReadmesTryItWorksAsWritten() throws Exception {
        List<String> commands = commands(Files.readString(ROOT.resolve("README.md")));
        Map<String, Expectation> expectations = expectations();
        List<String> unmatched = new ArrayList<>(expectations.keySet());
        for (String command : commands) {
            unmatched.removeIf(key -> command.contains(key));
        }
        assertEquals(List.of(), unmatched, "expectations for commands the README no longer has");
        for (String command : commands) {
            assertEquals(1, expectations.keySet().stream().filter(command::contains).count(),
                         "one expectation for each README command; this one has none or several: " + command);
        }

        Path drover = home.resolve("drover");
        Files.copy(ROOT.resolve("drover"), drover);
        drover.toFile().setExecutable(true);
        int port = startStack();
        if (port != 8080) {
            System.out.println("TryItTest: port 8080 is taken (is ./drover up running?); the commands call localhost:" + port);
        }
        java.util.function.UnaryOperator<String> onPort = text -> text.replace("localhost:8080", "localhost:" + port);
        shell = new ProcessBuilder("bash", "--noprofile", "--norc").directory(home.toFile()).redirectErrorStream(true).start();
        Writer in = new java.io.OutputStreamWriter(shell.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
        List<String> definitions = new ArrayList<>();
        for (String written : commands) {
            Expectation expected = expectations.entrySet().stream().filter(x -> written.contains(x.getKey())).findFirst().orElseThrow().getValue();
            String command = onPort.apply(written);
            if (expected.before() != null && !expected.before().equals("again")) {
                awaitTrue(in, out, onPort.apply(expected.before()), command);
            }
            String output;
            if (command.contains("dcurl -N ")) {
                output = firstOutputOfStream(definitions, command);
            } else {
                long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                Typed typed = type(in, out, command);
                while ("again".equals(expected.before()) && !expected.output().test(typed.output()) && System.nanoTime() < until) {
                    Thread.sleep(1000);
                    typed = type(in, out, command);
                }
                assertEquals(0, typed.status(), "exit status of: " + command + "\n" + typed.output());
                output = typed.output();
            }
            assertTrue(expected.output().test(output), "the README's\n  " + command + "\nshould have " + expected.says() + "; it printed\n" + output);
            if (command.startsWith("OPERATOR=") || command.startsWith("ADMIN=") || command.startsWith("dcurl()")) {
                definitions.add(command);
            }
        }
    }

    private record Typed(int status, String output) {
    }

    /** Types one command into the session and reads what it printed up to a marker carrying its exit status. */
    private static Typed type(Writer in, BufferedReader out, String command) throws IOException {
        String marker = "__try_it_" + UUID.randomUUID() + "__";
        in.write(command + "\n__status=$?; echo; echo " + marker + " $__status\n");
        in.flush();
        StringBuilder printed = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(marker)) {
                return new Typed(Integer.parseInt(line.substring(marker.length()).trim()), printed.toString());
            }
            printed.append(line).append('\n');
        }
        fail("the shell ended while running: " + command + "\n" + printed);
        return null;
    }

    /** Waits (up to a minute) until a check typed into the same session succeeds: the moment the README means. */
    private static void awaitTrue(Writer in, BufferedReader out, String check, String before) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (type(in, out, check).status() != 0) {
            assertTrue(System.nanoTime() < until, "never true (" + check + "), which the README's next command needs: " + before);
            Thread.sleep(500);
        }
    }

    /** A streaming command (curl -N), run as written in its own session, read until its first event, then stopped. */
    private String firstOutputOfStream(List<String> definitions, String command) throws Exception {
        Process stream = new ProcessBuilder("bash", "--noprofile", "--norc", "-c", String.join("\n", definitions) + "\n" + command)
                .directory(home.toFile()).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder printed = new StringBuilder();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (String line = lines.readLine(); line != null && System.nanoTime() < until; line = lines.readLine()) {
                printed.append(line).append('\n');
                if (line.startsWith("data:")) {
                    break;
                }
            }
            return printed.toString();
        } finally {
            stream.destroyForcibly().waitFor();
        }
    }

    /**
     * The commands of the "Try it" section's bash blocks, in order: a line continued with a backslash joined with the
     * next, as bash reads it.
     */
    static List<String> commands(String readme) {
        int from = readme.indexOf("\n## Try it\n");
        int to = readme.indexOf("\n## ", from + 1);
        assertTrue(from >= 0 && to > from, "README.md has a \"## Try it\" section");
        List<String> commands = new ArrayList<>();
        boolean inBash = false;
        StringBuilder pending = new StringBuilder();
        for (String line : readme.substring(from, to).split("\n")) {
            if (line.startsWith("```")) {
                inBash = line.equals("```bash");
                continue;
            }
            if (!inBash || (line.isBlank() && pending.isEmpty())) {
                continue;
            }
            pending.append(line);
            if (line.endsWith("\\")) {
                pending.append('\n');
            } else {
                commands.add(pending.toString());
                pending.setLength(0);
            }
        }
        return commands;
    }

    /** The stack as ./drover up runs it, in the session's folder (its .drover/local.env there); answers its port. */
    private int startStack() throws Exception {
        int port = 8080;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 8080));
        } catch (IOException taken) {
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
        }
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                                                    "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                                                    "-cp", System.getProperty("java.class.path"), LocalStackMain.class.getName())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("stack.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("DROVER_PORT", Integer.toString(port));
        // The rest are found through local.env, never typed: any free port, so a stack already running (a developer's,
        // another test's) is no obstacle.
        for (String other : List.of("DROVER_BROKER_PORT", "DAPR_GRPC_PORT", "DAPR_HTTP_PORT", "DROVER_ISSUER_PORT", "DROVER_DEMO_PORT")) {
            env.put(other, "0");
        }
        env.put("DROVER_TEMPORAL_PORT", Integer.toString(FreePort.pick()));
        env.put("DROVER_REDIS_PREFIX", prefix);
        env.put("DROVER_DEMO_DIR", home.resolve("demo").toString());
        env.put("HISTORY_DB_URL", "jdbc:h2:file:" + home.resolve("history") + dev.drover.history.HistorySettings.H2_OPTIONS);
        env.put("DROVER_LOG_FORMAT", "json");
        stack = builder.start();
        long until = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        Path log = home.resolve("stack.log");
        while (!Files.exists(log) || !Files.readString(log).contains("Drover local stack is ready")) {
            assertTrue(stack.isAlive(), "the stack stopped: " + (Files.exists(log) ? Files.readString(log) : ""));
            assertTrue(System.nanoTime() < until, "the stack was not ready in 4 minutes: " + Files.readString(log));
            Thread.sleep(200);
        }
        return port;
    }
}
