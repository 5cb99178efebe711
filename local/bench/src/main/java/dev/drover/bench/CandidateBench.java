package dev.drover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Role;
import dev.drover.core.function.FunctionServer;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.function.Settings;
import dev.drover.core.state.RedisState;
import dev.drover.functions.Catalog;
import dev.drover.core.http.OpenApiService;
import dev.drover.functions.Platform;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.webserver.WebServer;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Candidate benchmark: starts the real function server in-process on a random port, against the Redis
 * of {@code REDIS_URL} (default redis://127.0.0.1:6379) under a fresh key prefix, and drives it over
 * real HTTP: announce, load N candidates in batches, walk and randomly read pages (unfiltered, by
 * metadata, by status), read the counts, resubmit everything. Prints a plain-text report, deletes every
 * key under its prefix, and exits 1 if any request failed or any answer was not what the load implies.
 * <p>
 * Settings are system properties or {@code name=value} arguments: candidates (100000), batch (1000),
 * reads (500 random page reads per query), counts (500 count reads), warmup (200), seed (42).
 */
public final class CandidateBench {
    private static final String MIGRATION = "bench";
    private static final int PAGE_LIMIT = 50;
    private static final String TEAM = "t3";
    private static final int TEAMS = 10;
    /** How many candidates the run-summary measurement starts. */
    private static final int RUN_ROWS = 5000;

    /** What to run; see the class comment for the names and defaults. */
    record Config(int candidates, int batch, int reads, int counts, int warmup, long seed) {
        Config {
            if (candidates < 1 || batch < 1 || batch > 5000 || reads < 1 || counts < 1 || warmup < 0) {
                throw new IllegalArgumentException("need candidates >= 1, 1 <= batch <= 5000 (the API's limit), "
                                                           + "reads >= 1, counts >= 1, warmup >= 0");
            }
        }

        static Config from(String[] args) {
            Properties props = new Properties();
            props.putAll(System.getProperties());
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("arguments are name=value (e.g. candidates=100000), got '" + arg + "'");
                }
                props.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
            }
            return new Config(intOf(props, "candidates", 100_000), intOf(props, "batch", 1000),
                              intOf(props, "reads", 500), intOf(props, "counts", 500),
                              intOf(props, "warmup", 200), Long.parseLong(props.getProperty("seed", "42")));
        }

        private static int intOf(Properties props, String name, int defaultValue) {
            String value = props.getProperty(name, Integer.toString(defaultValue)).replace("_", "");
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
            }
        }
    }

    /** One kind of page read: its extra query parameters, how many items a full walk must see, and what each must be. */
    private record Query(String label, String params, long expectedItems, Predicate<JsonNode> matches) {
    }

    /** A full walk of one query: the cursor of every page (null for the first), items seen, per-page latency. */
    private record Walk(List<String> cursors, long items, Latencies pages) {
    }

    /** A pass of submissions: summed request time, wall time (adds building the JSON here), and the merge totals. */
    private record Submission(Latencies batches, long wallNanos, long added, long updated, long unchanged, long untouched) {
    }

    /** An answer that contradicts what the benchmark loaded: the numbers would be of the wrong thing. */
    private static final class Mismatch extends RuntimeException {
        Mismatch(String message) {
            super(message);
        }
    }

    private final Config config;
    private final String idFormat;

    private CandidateBench(Config config) {
        this.config = config;
        // Zero-padded ids sort by number, so pages walk the candidates in load order.
        this.idFormat = "c-%0" + Math.max(6, Integer.toString(config.candidates()).length()) + "d";
    }

    public static void main(String[] args) {
        // The server logs a line per request at INFO; here the report is the output, so keep warnings and
        // errors only. Helidon would otherwise reload the app's logging.properties (INFO) when it starts.
        System.setProperty("io.helidon.logging.config.disabled", "true");
        Logger.getLogger("").setLevel(Level.WARNING);
        Config config;
        try {
            config = Config.from(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // exit() rather than return: the server's and the HTTP client's threads need not be waited for.
        System.exit(new CandidateBench(config).run());
    }

    private int run() {
        String prefix = "drover-bench-" + UUID.randomUUID() + ":";
        Settings env = Settings.fromEnvironment(System.getenv());
        // Port 0: any free port; empty function: serve all of them, like the local stack.
        Settings settings = new Settings(0, env.redisUrl(), prefix, env.maxBodyBytes(), env.pubsub(), Optional.empty(), Optional.empty(), env.readCacheBytes(), env.logReads());
        RedisState state = RedisState.connect(settings.redisUrl(), prefix);
        WebServer server = null;
        WebServer open = null;
        boolean ok = false;
        try (BenchTrust trust = BenchTrust.start()) {
            printHeader(state.redis(), settings.redisUrl(), prefix);
            // The candidate API needs neither Temporal nor a broker: point them nowhere.
            Platform platform = new Platform(state, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                                             URI.create("http://127.0.0.1:1/"),
                                             History.open(HistorySettings.inMemory("candidate-bench-" + UUID.randomUUID())),
                                             trust.trust());
            Authenticator auth = trust.trust().authenticator();
            server = FunctionServer.start(settings, Catalog.all(platform), List.of(state.readiness()),
                                          List.of(new OpenApiService(auth)), auth);
            // The baseline for what authentication costs: the same functions behind a door that checks nothing.
            Authenticator none = (req, access) -> new Principal.User("bench", Optional.of(Role.ADMIN));
            open = FunctionServer.start(settings, Catalog.all(platform), List.of(state.readiness()), List.of(), none);
            try (Api api = new Api(URI.create("http://127.0.0.1:" + server.port() + "/"), trust.adminToken());
                 Api unchecked = new Api(URI.create("http://127.0.0.1:" + open.port() + "/"), trust.adminToken())) {
                state.migrations().announce(new Migration(MIGRATION, "Bench", "", List.of(),
                                                          List.of(new Step("s1", "", "noop", "", Map.of())), List.of()), "noop");
                measure(api, state.redis());
                measureAuthentication(api, unchecked);
                measureRowsWithRuns(api, state);
            }
            ok = true;
        } catch (Api.Failed | Mismatch e) {
            System.err.println("FAILED: " + e.getMessage());
        } catch (RuntimeException e) {
            System.err.println("FAILED:");
            e.printStackTrace();
        } finally {
            // Stop serving before deleting, so nothing writes under the prefix after the sweep.
            if (server != null) {
                server.stop();
            }
            if (open != null) {
                open.stop();
            }
            ok &= cleanUp(state.redis(), prefix);
            state.close();
        }
        line("");
        line("RESULT: %s", ok ? "OK" : "FAILED");
        return ok ? 0 : 1;
    }

    private void measure(Api api, UnifiedJedis redis) {
        long memoryBefore = usedMemory(redis);

        Submission load = submitAll(api);
        expect(load.added() == config.candidates(), "the load added " + load.added() + ", expected " + config.candidates());
        expectCounts(api);
        long memoryAfter = usedMemory(redis);
        line("");
        line("Load: %d candidates in %d batches of up to %d, one request at a time", config.candidates(),
             load.batches().count(), config.batch());
        printSubmission(load);
        line("  Redis used_memory grew by %.1f MB (whole instance, approximate)", (memoryAfter - memoryBefore) / 1e6);

        long team = 0;
        for (int i = 1; i <= config.candidates(); i++) {
            team += team(i).equals(TEAM) ? 1 : 0;
        }
        List<Query> queries = List.of(
                new Query("all", "", config.candidates(), item -> true),
                new Query("meta.team=" + TEAM, "&meta.team=" + TEAM, team,
                          item -> TEAM.equals(item.path("metadata").path("team").asText())),
                new Query("status=not_started", "&status=not_started", config.candidates(),
                          item -> "not_started".equals(item.path("status").asText())));

        // The full walks check every page and collect the cursors that the random reads then start from.
        line("");
        line("Full walks, limit %d, following nextCursor (these also warm up the server)", PAGE_LIMIT);
        line("  %-22s %6s %8s %9s %9s %9s %9s", "query", "pages", "items", "total s", "p50 ms", "p99 ms", "max ms");
        List<Walk> walks = new ArrayList<>();
        for (Query query : queries) {
            Walk walk = walk(api, query);
            walks.add(walk);
            expect(walk.items() == query.expectedItems(),
                   "walking " + query.label() + " saw " + walk.items() + " items, expected " + query.expectedItems());
            line("  %-22s %6d %8d %9.2f %s", query.label(), walk.cursors().size(), walk.items(),
                 walk.pages().totalNanos() / 1e9, walk.pages().percentiles());
        }

        Random random = new Random(config.seed());
        for (int q = 0; q < queries.size(); q++) {
            for (int i = 0; i < config.warmup(); i++) {
                readRandomPage(api, queries.get(q), walks.get(q), random);
            }
        }
        line("");
        line("Random page reads, limit %d, at cursors from the walks (after %d warm-up reads per query)",
             PAGE_LIMIT, config.warmup());
        line("  %-22s %6s %9s %9s %9s", "query", "n", "p50 ms", "p99 ms", "max ms");
        for (int q = 0; q < queries.size(); q++) {
            Latencies reads = new Latencies();
            for (int i = 0; i < config.reads(); i++) {
                reads.add(readRandomPage(api, queries.get(q), walks.get(q), random));
            }
            line("  %-22s %s", queries.get(q).label(), reads.summary());
        }

        for (int i = 0; i < config.warmup(); i++) {
            expectCounts(api);
        }
        Latencies counts = new Latencies();
        for (int i = 0; i < config.counts(); i++) {
            counts.add(expectCounts(api));
        }
        line("");
        line("Count reads, GET /migrations/%s (after %d warm-up reads)", MIGRATION, config.warmup());
        line("  %-22s %6s %9s %9s %9s", "", "n", "p50 ms", "p99 ms", "max ms");
        line("  %-22s %s", "migration-get", counts.summary());

        Submission again = submitAll(api);
        expect(again.unchanged() == config.candidates(),
               "the resubmission found " + again.unchanged() + " unchanged, expected " + config.candidates());
        expectCounts(api);
        line("");
        line("Resubmission: the same %d candidates again (all must be unchanged)", config.candidates());
        printSubmission(again);
    }

    /**
     * What verifying a bearer token costs per request: the same count read against the server that verifies tokens
     * and against one that checks nothing, alternating, so both see the same machine load.
     */
    private void measureAuthentication(Api api, Api unchecked) {
        String path = "/migrations/" + MIGRATION;
        for (int i = 0; i < config.warmup(); i++) {
            api.get(path);
            unchecked.get(path);
        }
        Latencies verified = new Latencies();
        Latencies baseline = new Latencies();
        for (int i = 0; i < config.counts(); i++) {
            verified.add(api.get(path).nanos());
            baseline.add(unchecked.get(path).nanos());
        }
        line("");
        line("Authentication: GET %s with a bearer JWT verified (RS256, JWKS cached) vs no check, alternating", path);
        line("  %-22s %6s %9s %9s %9s", "", "n", "p50 ms", "p99 ms", "max ms");
        line("  %-22s %s", "verified", verified.summary());
        line("  %-22s %s", "unchecked", baseline.summary());
        line("  cost per request: p50 %+.3f ms (ratio %.2f)", (verified.p50() - baseline.p50()) / 1e6,
             (double) verified.p50() / Math.max(1, baseline.p50()));
    }

    /**
     * What a row's run summary costs: starts runs (claims, as the start function does, with a pending first step that
     * has a message and a changeUrl) for the first {@link #RUN_ROWS} candidates, then reads random 50-row pages of
     * {@code status=running} (every row with a run) and of {@code status=not_started} (no row with one), alternating,
     * so both see the same machine load.
     */
    private void measureRowsWithRuns(Api api, RedisState state) {
        int started = Math.min(RUN_ROWS, config.candidates());
        List<Step> steps = List.of(new Step("bump", "", "noop", "", Map.of()), new Step("merge", "", "noop", "", Map.of()),
                                   new Step("verify", "", "noop", "", Map.of()));
        java.time.Instant now = java.time.Instant.now();
        for (int i = 1; i <= started; i++) {
            String runId = "run-bench-" + i;
            state.runs().claim(MIGRATION, idFormat.formatted(i), runId, "bench", steps);
            state.runs().recordStep(state.runs().find(runId).orElseThrow(),
                                    new dev.drover.contract.run.StepState("bump", dev.drover.contract.run.StepStatus.PENDING, 1,
                                                                      Map.of("changeUrl", "https://git.example/pr/" + i),
                                                                      "pull request open", now, now, null),
                                    Optional.empty());
        }
        Query running = new Query("status=running", "&status=running", started,
                                  item -> "pending".equals(item.path("run").path("step").path("status").asText()));
        Query notStarted = new Query("status=not_started", "&status=not_started", config.candidates() - started,
                                     item -> item.path("run").isNull());
        Walk runningWalk = walk(api, running);
        Walk notStartedWalk = walk(api, notStarted);
        expect(runningWalk.items() == started, "walking status=running saw " + runningWalk.items() + ", expected " + started);
        expect(notStartedWalk.items() == config.candidates() - started, "walking status=not_started saw " + notStartedWalk.items());
        Random random = new Random(config.seed());
        for (int i = 0; i < config.warmup(); i++) {
            readRandomPage(api, running, runningWalk, random);
            readRandomPage(api, notStarted, notStartedWalk, random);
        }
        Latencies withRuns = new Latencies();
        Latencies withoutRuns = new Latencies();
        for (int i = 0; i < config.reads(); i++) {
            withRuns.add(readRandomPage(api, running, runningWalk, random));
            withoutRuns.add(readRandomPage(api, notStarted, notStartedWalk, random));
        }
        line("");
        line("Rows with runs: %d candidates started (claim + a pending step with message and changeUrl); random pages of %d,"
                     + " alternating", started, PAGE_LIMIT);
        line("  %-22s %6s %9s %9s %9s", "query", "n", "p50 ms", "p99 ms", "max ms");
        line("  %-22s %s", "status=running", withRuns.summary());
        line("  %-22s %s", "status=not_started", withoutRuns.summary());
        line("  a row's run summary: p50 %+.3f ms per page (ratio %.2f)", (withRuns.p50() - withoutRuns.p50()) / 1e6,
             (double) withRuns.p50() / Math.max(1, withoutRuns.p50()));
    }

    /** Submits candidates 1..N in batches, one request at a time; times each request. */
    private Submission submitAll(Api api) {
        Latencies batches = new Latencies();
        long added = 0;
        long updated = 0;
        long unchanged = 0;
        long untouched = 0;
        long start = System.nanoTime();
        for (int from = 1; from <= config.candidates(); from += config.batch()) {
            byte[] body = batchBody(from, Math.min(config.candidates(), from + config.batch() - 1));
            Api.Reply reply = api.post("/migrations/" + MIGRATION + "/candidates", body);
            batches.add(reply.nanos());
            added += reply.json().path("added").asLong();
            updated += reply.json().path("updated").asLong();
            unchanged += reply.json().path("unchanged").asLong();
            untouched += reply.json().path("untouched").asLong();
        }
        return new Submission(batches, System.nanoTime() - start, added, updated, unchanged, untouched);
    }

    /** Candidates first..last (inclusive) as the JSON array discovery would submit; same input, same bytes. */
    private byte[] batchBody(int first, int last) {
        StringBuilder json = new StringBuilder(256 * (last - first + 1)).append('[');
        for (int i = first; i <= last; i++) {
            String id = idFormat.formatted(i);
            if (i > first) {
                json.append(',');
            }
            json.append("{\"id\":\"").append(id).append("\",\"kind\":\"application\",")
                    .append("\"metadata\":{\"team\":\"").append(team(i)).append("\",\"env\":\"")
                    .append(i % 2 == 0 ? "prod" : "staging").append("\"},")
                    .append("\"files\":[{\"name\":\"prod\",\"repo\":\"https://git.example/x\",")
                    .append("\"files\":[{\"path\":\"apps/").append(id).append("/values.yaml\"}]}]}");
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String team(int candidate) {
        return "t" + candidate % TEAMS;
    }

    private Walk walk(Api api, Query query) {
        List<String> cursors = new ArrayList<>();
        Latencies pages = new Latencies();
        long items = 0;
        String cursor = null;
        do {
            cursors.add(cursor);
            // A cursor that never reaches the end would loop forever; more pages than candidates means it does not.
            expect(cursors.size() <= config.candidates() + 1, "walking " + query.label() + " does not end");
            Api.Reply reply = api.get(pagePath(query, cursor));
            pages.add(reply.nanos());
            for (JsonNode item : reply.json().path("items")) {
                expect(query.matches().test(item), "walking " + query.label() + " returned " + item);
                items++;
            }
            JsonNode next = reply.json().path("nextCursor");
            cursor = next.isTextual() ? next.asText() : null;
        } while (cursor != null);
        return new Walk(cursors, items, pages);
    }

    private static long readRandomPage(Api api, Query query, Walk walk, Random random) {
        String cursor = walk.cursors().get(random.nextInt(walk.cursors().size()));
        return api.get(pagePath(query, cursor)).nanos();
    }

    /** Cursors are base64url and the filter values plain words, so nothing here needs URL-encoding. */
    private static String pagePath(Query query, String cursor) {
        return "/migrations/" + MIGRATION + "/candidates?limit=" + PAGE_LIMIT + query.params()
                + (cursor == null ? "" : "&cursor=" + cursor);
    }

    /** Reads the migration and checks its counts: everything loaded, everything still not_started. */
    private long expectCounts(Api api) {
        Api.Reply reply = api.get("/migrations/" + MIGRATION);
        JsonNode candidates = reply.json().path("candidates");
        expect(candidates.path("total").asLong() == config.candidates()
                       && candidates.path("byStatus").path("not_started").asLong() == config.candidates(),
               "GET /migrations/" + MIGRATION + " counts " + candidates + ", expected " + config.candidates() + " not_started");
        return reply.nanos();
    }

    private void printSubmission(Submission s) {
        double seconds = s.batches().totalNanos() / 1e9;
        line("  submit time            %.2f s = %.0f candidates/s (sum of request round trips)",
             seconds, config.candidates() / seconds);
        line("  wall time              %.2f s (adds building each batch's JSON here)", s.wallNanos() / 1e9);
        line("  %-22s %6s %9s %9s %9s", "per batch", "n", "p50 ms", "p99 ms", "max ms");
        line("  %-22s %s", "", s.batches().summary());
        line("  merge totals           added %d, updated %d, unchanged %d, untouched %d",
             s.added(), s.updated(), s.unchanged(), s.untouched());
    }

    private void printHeader(UnifiedJedis redis, URI redisUrl, String prefix) {
        line("Drover candidate benchmark");
        line("  java %s (%s), %d CPUs", Runtime.version(), System.getProperty("java.vm.vendor"),
             Runtime.getRuntime().availableProcessors());
        // Host and port only: a REDIS_URL may carry a password.
        line("  redis %s at %s:%d, key prefix %s", infoField(redis.info("server"), "redis_version"),
             redisUrl.getHost(), redisUrl.getPort(), prefix);
        line("  candidates %d, batch %d, page limit %d, random reads %d per query, count reads %d, warm-up %d, seed %d",
             config.candidates(), config.batch(), PAGE_LIMIT, config.reads(), config.counts(), config.warmup(), config.seed());
    }

    /**
     * Deletes every key under the prefix (SCAN + UNLINK, so Redis is never blocked on one huge command)
     * and checks none is left. The prefix is "drover-bench-" and a UUID: no glob characters to escape.
     */
    static boolean cleanUp(UnifiedJedis redis, String prefix) {
        try {
            long deleted = forEachKeyBatch(redis, prefix, keys -> redis.unlink(keys.toArray(String[]::new)));
            long left = forEachKeyBatch(redis, prefix, List::size);
            line("");
            line("Cleanup: server stopped; unlinked %d keys under %s; %d left", deleted, prefix, left);
            return left == 0;
        } catch (RuntimeException e) {
            System.err.println("FAILED to delete the keys under " + prefix + ": " + e);
            return false;
        }
    }

    /** SCANs the keys under the prefix a batch at a time; returns the sum of what the action returns. */
    private static long forEachKeyBatch(UnifiedJedis redis, String prefix, ToLongFunction<List<String>> action) {
        ScanParams params = new ScanParams().match(prefix + "*").count(1000);
        long sum = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanResult<String> page;
        do {
            page = redis.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                sum += action.applyAsLong(page.getResult());
            }
            cursor = page.getCursor();
        } while (!page.isCompleteIteration());
        return sum;
    }

    private static long usedMemory(UnifiedJedis redis) {
        return Long.parseLong(infoField(redis.info("memory"), "used_memory"));
    }

    private static String infoField(String info, String field) {
        return info.lines()
                .filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(field.length() + 1).trim())
                .findFirst()
                .orElse("?");
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new Mismatch(message);
        }
    }

    private static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
