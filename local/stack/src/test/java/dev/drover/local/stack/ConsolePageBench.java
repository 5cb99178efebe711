package dev.drover.local.stack;

import dev.drover.core.auth.Role;
import dev.drover.core.function.Settings;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A benchmark harness, not a test (surefire runs {@code *Test} classes only): how long the console's migration page
 * takes for a migration of many candidates, first page, on the local stack {@code ./drover up} starts (without its
 * demo), against a same-run baseline, the API's own JSON for the same query.
 * <ol>
 *     <li>announces migration {@code bench} and submits {@code candidates} candidates (metadata {@code team=t0..t9});</li>
 *     <li>server: {@code GET /console/migrations/bench} (the whole HTML page: the console asks the API for the
 *     migration and its first 50 candidates, then renders) and the API's {@code GET /migrations/bench/candidates?limit=50}
 *     and {@code GET /migrations/bench}, alternately, {@code reads} times each after {@code warmup}, one request at a
 *     time over HTTP/1.1 with an operator's bearer token; unfiltered and filtered ({@code team=t3}, id prefix);</li>
 *     <li>browser: headless Chromium opens the page {@code loads} times (after one unmeasured load) and reads the
 *     navigation timing (responseEnd, domContentLoadedEventEnd, loadEventEnd, from the navigation's start).</li>
 * </ol>
 * Settings are system properties: {@code candidates} (100000), {@code reads} (300), {@code warmup} (50),
 * {@code loads} (5), {@code screenshot} (a PNG path to keep the page's picture; none by default). Exit status 0 when
 * every answer was a 200 with the page's 50 rows; 1 otherwise. The keys under its prefix are deleted at the end.
 */
public final class ConsolePageBench {
    private static final String MIGRATION = "bench";
    private static final String APP = "bench-migrator";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ConsolePageBench() {
    }

    public static void main(String[] args) throws Exception {
        int candidates = Integer.getInteger("candidates", 100_000);
        int reads = Integer.getInteger("reads", 300);
        int warmup = Integer.getInteger("warmup", 50);
        int loads = Integer.getInteger("loads", 5);
        String screenshot = System.getProperty("screenshot", "");

        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", "drover-bench-" + UUID.randomUUID() + ":"));
        LocalStackSettings settings = LocalStackSettings.ephemeral(functions, FreePort.pick()).withoutDemo();
        int status = 1;
        try (LocalStack stack = LocalStack.start(settings)) {
            try {
                status = run(stack, candidates, reads, warmup, loads, screenshot);
            } finally {
                StackKeys.drop(stack.state());
                DemoStack.delete(settings.demoDir());
            }
        }
        System.exit(status);
    }

    private static int run(LocalStack stack, int candidates, int reads, int warmup, int loads, String screenshot) throws Exception {
        String token = stack.issuer().userToken("bench-operator", Role.OPERATOR);
        line("Console migration page, %,d candidates, local stack at %s", candidates, stack.apiUri());
        load(stack, candidates);

        String[][] queries = {{"all", "", ""}, {"team=t3, id prefix svc-0", "?meta=team%3Dt3&q=svc-0", "&meta.team=t3&idPrefix=svc-0"}};
        line("");
        line("Server, one request at a time (%d warm-up, %d measured each, alternating), ms:", warmup, reads);
        line("%-52s %6s %9s %9s %9s", "request", "n", "p50", "p99", "max");
        for (String[] query : queries) {
            URI page = stack.apiUri().resolve("/console/migrations/" + MIGRATION + query[1]);
            URI json = stack.apiUri().resolve("/migrations/" + MIGRATION + "/candidates?limit=50" + query[2]);
            URI migration = stack.apiUri().resolve("/migrations/" + MIGRATION);
            for (int i = 0; i < warmup; i++) {
                timed(page, token, true);
                timed(json, token, false);
                timed(migration, token, false);
            }
            Latencies console = new Latencies();
            Latencies api = new Latencies();
            Latencies counts = new Latencies();
            for (int i = 0; i < reads; i++) {
                console.add(timed(page, token, true));
                api.add(timed(json, token, false));
                counts.add(timed(migration, token, false));
            }
            line("%-52s %s", "console HTML, " + query[0], console.summary());
            line("%-52s %s", "API JSON page (baseline), " + query[0], api.summary());
            line("%-52s %s", "API JSON migration + counts", counts.summary());
            line("%-52s %9.2f x the candidates page, %.2f x both API calls", "  console p50 / baseline p50",
                 (double) console.p50() / api.p50(), (double) console.p50() / (api.p50() + counts.p50()));
        }

        line("");
        line("Browser (headless Chromium), navigation timing of /console/migrations/%s, %d loads after one unmeasured, ms:", MIGRATION, loads);
        line("%-6s %12s %18s %10s %10s", "load", "responseEnd", "domContentLoaded", "load", "rows");
        try (Browser browser = Browser.start()) {
            URI page = stack.apiUri().resolve("/console/migrations/" + MIGRATION);
            browser.signedIn(page, token);
            List<double[]> timings = new ArrayList<>();
            for (int i = 0; i <= loads; i++) {
                browser.driver().get(page.toString());
                browser.waiting(Duration.ofSeconds(60)).until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                        "var n = performance.getEntriesByType('navigation')[0]; return n ? n.loadEventEnd : 0;")).doubleValue() > 0);
                @SuppressWarnings("unchecked")
                Map<String, Object> nav = (Map<String, Object>) ((JavascriptExecutor) browser.driver()).executeScript(
                        "var n = performance.getEntriesByType('navigation')[0];"
                                + " return {r: n.responseEnd - n.startTime, d: n.domContentLoadedEventEnd - n.startTime,"
                                + " l: n.loadEventEnd - n.startTime, rows: document.querySelectorAll('[data-testid=candidate-row]').length};");
                long rows = ((Number) nav.get("rows")).longValue();
                if (rows != 50) {
                    throw new IllegalStateException("the page shows " + rows + " rows, expected 50");
                }
                double[] t = {number(nav, "r"), number(nav, "d"), number(nav, "l")};
                if (i > 0) {
                    timings.add(t);
                }
                line("%-6s %12.1f %18.1f %10.1f %10d", i == 0 ? "(warm)" : Integer.toString(i), t[0], t[1], t[2], rows);
            }
            line("%-6s %12.1f %18.1f %10.1f", "median", median(timings, 0), median(timings, 1), median(timings, 2));
            if (!screenshot.isBlank()) {
                Path file = Path.of(screenshot);
                Files.copy(((TakesScreenshot) browser.driver()).getScreenshotAs(OutputType.FILE).toPath(), file,
                           StandardCopyOption.REPLACE_EXISTING);
                line("screenshot: %s", file.toAbsolutePath());
            }
        }
        return 0;
    }

    /** The migration, announced as its migrator would, and its candidates in batches of the API's largest size. */
    private static void load(LocalStack stack, int candidates) throws Exception {
        Announcements.publish(stack, APP, new Migration(MIGRATION, "Bench: " + candidates + " services", "Many candidates, one page at a time.",
                                                        List.of("Bump"), List.of(new Step("bump", "Bump the chart", APP, "test", Map.of())),
                                                        List.of()));
        StackApi api = new StackApi(stack);
        api.await("the announcement of " + MIGRATION, "/migrations/" + MIGRATION, Duration.ofSeconds(30), m -> true);
        String migratorToken = stack.issuer().migratorToken(APP);
        long started = System.nanoTime();
        for (int from = 0; from < candidates; from += 5000) {
            List<DiscoveredCandidate> batch = new ArrayList<>();
            for (int i = from; i < Math.min(candidates, from + 5000); i++) {
                batch.add(new DiscoveredCandidate(String.format(Locale.ROOT, "svc-%06d", i), "app",
                                                  Map.of("team", "t" + (i % 10)), List.of(), List.of()));
            }
            HttpResponse<String> answer = api.call("POST", "/migrations/" + MIGRATION + "/candidates", batch, migratorToken);
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("submitting candidates: " + answer.statusCode() + " " + answer.body());
            }
        }
        long total = Json.mapper().readTree(api.call("GET", "/migrations/" + MIGRATION, null).body()).path("candidates").path("total").asLong();
        if (total != candidates) {
            throw new IllegalStateException("the migration counts " + total + " candidates, expected " + candidates);
        }
        line("loaded %,d candidates in %.1f s", candidates, (System.nanoTime() - started) / 1e9);
    }

    /** One request's round trip in nanoseconds, to the last body byte; anything but a 200 stops the benchmark. */
    private static long timed(URI uri, String token, boolean html) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("Accept", html ? "text/html" : "application/json").build();
        long start = System.nanoTime();
        HttpResponse<byte[]> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long took = System.nanoTime() - start;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + answer.statusCode() + ": " + new String(answer.body()));
        }
        if (html && countRows(answer.body()) != 50) {
            throw new IllegalStateException(uri + " rendered " + countRows(answer.body()) + " rows, expected 50");
        }
        return took;
    }

    private static int countRows(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        int rows = 0;
        for (int at = text.indexOf("data-testid=\"candidate-row\""); at >= 0; at = text.indexOf("data-testid=\"candidate-row\"", at + 1)) {
            rows++;
        }
        return rows;
    }

    private static double number(Map<String, Object> values, String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    private static double median(List<double[]> timings, int index) {
        double[] values = timings.stream().mapToDouble(t -> t[index]).sorted().toArray();
        return values.length == 0 ? 0 : values[values.length / 2];
    }

    private static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    /** Latency samples in nanoseconds; exact percentiles over a sorted copy (a few hundred samples). */
    private static final class Latencies {
        private long[] nanos = new long[64];
        private int count;

        void add(long sample) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = sample;
        }

        long p50() {
            return at(0.50);
        }

        String summary() {
            return String.format(Locale.ROOT, "%6d %9.2f %9.2f %9.2f", count, at(0.50) / 1e6, at(0.99) / 1e6, at(1.0) / 1e6);
        }

        /** Nearest rank: the smallest sample with at least q of all samples at or below it. */
        private long at(double q) {
            long[] sorted = Arrays.copyOf(nanos, count);
            Arrays.sort(sorted);
            return sorted[Math.max(0, (int) Math.ceil(q * count) - 1)];
        }
    }
}
