package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** The CLI run in process, as {@code ./drover} runs it, with its output captured. */
record Cli(Map<String, String> env, Path home, Terminal terminal) {

    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return ApiClient.JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON (exit " + exit + ", err " + err + "): " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static Cli of(String apiUrl, String token, Path home) {
        Map<String, String> env = new HashMap<>();
        if (apiUrl != null) {
            env.put("DROVER_API_URL", apiUrl);
        }
        if (token != null) {
            env.put("DROVER_TOKEN", token);
        }
        return new Cli(env, home, Terminal.PIPE);
    }

    Cli with(String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new Cli(copy, home, terminal);
    }

    Cli on(Terminal other) {
        return new Cli(env, home, other);
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = DroverCli.run(new CliContext(env, home, terminal), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs the command (its JSON output) until {@code done} holds; fails naming {@code what} and the last answer. */
    JsonNode await(String what, Duration patience, Predicate<JsonNode> done, String... args) throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        Result last = null;
        while (System.nanoTime() < until) {
            last = run(args);
            if (last.exit() == 0 && done.test(last.json())) {
                return last.json();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }
}
