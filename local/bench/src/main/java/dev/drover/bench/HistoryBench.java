package dev.drover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.state.RedisState;
import dev.drover.functions.Catalog;
import dev.drover.core.http.OpenApiService;
import dev.drover.functions.Platform;
import dev.drover.core.history.EventKind;
import dev.drover.history.History;
import dev.drover.core.history.HistoryEvent;
import dev.drover.history.HistoryQueries;
import dev.drover.history.HistorySettings;
import dev.drover.core.history.OperatorAction;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The history benchmark: loads {@code events} history events (runs of three steps, 5% of first
 * dispatches failing and retried) and {@code actions} audit entries over {@code migrations} migrations
 * through the real writer (rollups included), then times every history endpoint over real HTTP against
 * the function server, per migration and overall: p50 / p99 / max. Run it at two sizes to see that the
 * read cost does not follow the history's size. See README.md.
 */
public final class HistoryBench {
    private static final String[] ACTORS = {"ann", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] ACTIONS = {"start", "cancel", "retry-step", "inputs"};

    private final Map<String, String> config;
    private final int events;
    private final int actions;
    private final int migrations;
    private final int reads;
    private final int warmup;
    private final int threads;
    private final String db;
    private final Random random = new Random(42);

    private HistoryBench(Map<String, String> config) {
        this.config = config;
        this.events = number("events", 1_000_000);
        this.actions = number("actions", 100_000);
        this.migrations = number("migrations", 20);
        this.reads = number("reads", 500);
        this.warmup = number("warmup", 100);
        this.threads = number("threads", 4);
        this.db = config.getOrDefault("db", "h2");
        if (!db.equals("h2") && !db.equals("postgres")) {
            throw new IllegalArgumentException("db must be h2 or postgres, got " + db);
        }
    }

    public static void main(String[] args) {
        System.setProperty("io.helidon.logging.config.disabled", "true");
        Logger.getLogger("").setLevel(Level.WARNING);
        Map<String, String> config = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> config.put(k.toString(), v.toString()));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            config.put(kv[0], kv.length == 2 ? kv[1] : "");
        }
        HistoryBench bench;
        try {
            bench = new HistoryBench(config);
        } catch (IllegalArgumentException e) {
            System.err.println("history bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(bench.run());
    }

    private int number(String name, int fallback) {
        String value = config.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
        }
    }

    private int run() {
        String pgBase = config.getOrDefault("pgUrl", "jdbc:postgresql://127.0.0.1:5432/test");
        String schema = "drover_history_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        HistorySettings settings;
        if (db.equals("postgres")) {
            sql(pgBase, pgUser(), "CREATE SCHEMA " + schema);
            settings = new HistorySettings(pgBase + (pgBase.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                                           Optional.of(pgUser()), Optional.empty(), threads + 4);
        } else {
            settings = HistorySettings.inMemory("history-bench-" + UUID.randomUUID());
        }
        String prefix = "drover-history-bench-" + UUID.randomUUID() + ":";
        Settings env = Settings.fromEnvironment(System.getenv());
        Settings server = new Settings(0, env.redisUrl(), prefix, env.maxBodyBytes(), env.pubsub(), Optional.empty(), Optional.empty(), env.readCacheBytes(), env.logReads());
        RedisState state = RedisState.connect(server.redisUrl(), prefix);
        boolean ok = false;
        WebServer web = null;
        try (History history = History.open(settings); BenchTrust trust = BenchTrust.start()) {
            line("History benchmark: %,d events, %,d audit entries, %d migrations, db %s%s", events, actions, migrations, db,
                 db.equals("postgres") ? " (schema " + schema + ")" : " (in memory, PostgreSQL mode)");
            for (int m = 0; m < migrations; m++) {
                state.migrations().announce(new Migration(migration(m), "History bench " + m, "", List.of(),
                                                          List.of(new Step("bump", "", "noop", "", Map.of()),
                                                                  new Step("merge", "", "noop", "", Map.of()),
                                                                  new Step("verify", "", "noop", "", Map.of())),
                                                          List.of()), "noop");
            }
            long runs = load(history);
            Platform platform = new Platform(state, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                                             URI.create("http://127.0.0.1:1/"), history, trust.trust());
            Authenticator auth = trust.trust().authenticator();
            web = FunctionServer.start(server, Catalog.all(platform), List.of(state.readiness()), List.of(new OpenApiService(auth)), auth);
            try (Api api = new Api(URI.create("http://127.0.0.1:" + web.port() + "/"), trust.adminToken())) {
                check(api, runs);
                measure(api);
            }
            ok = true;
        } catch (Api.Failed | IllegalStateException e) {
            System.err.println("FAILED: " + e.getMessage());
        } catch (RuntimeException e) {
            System.err.println("FAILED:");
            e.printStackTrace();
        } finally {
            if (web != null) {
                web.stop();
            }
            state.deleteAllKeys();
            state.close();
            if (db.equals("postgres")) {
                sql(pgBase, pgUser(), "DROP SCHEMA " + schema + " CASCADE");
            }
        }
        line("");
        line("RESULT: %s", ok ? "OK" : "FAILED");
        return ok ? 0 : 1;
    }

    private static String migration(int m) {
        return String.format(Locale.ROOT, "bench-history-%02d", m);
    }

    /** Loads the events (in transactions of one run each, as the worker writes them: run by run) and the audit entries. */
    private long load(History history) {
        long started = System.nanoTime();
        AtomicLong written = new AtomicLong();
        AtomicLong runs = new AtomicLong();
        Instant origin = Instant.now().minus(Duration.ofDays(60));
        long perThread = events / threads;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> loads = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            loads.add(pool.submit(() -> {
                Random r = new Random(thread);
                long mine = 0;
                long run = 0;
                List<HistoryEvent> batch = new ArrayList<>();
                while (mine < perThread) {
                    String m = migration((int) ((thread + run * threads) % migrations));
                    String runId = "run-" + thread + "-" + run;
                    String candidate = "c-" + thread + "-" + run;
                    // runs spread evenly over the last 60 days, in load order
                    Instant at = origin.plus(Duration.ofMillis((long) ((double) (mine + (long) thread * perThread) / events
                                                                           * Duration.ofDays(60).toMillis())));
                    batch.clear();
                    batch.add(HistoryEvent.runStarted(runId, m, candidate, 1, at));
                    for (String step : List.of("bump", "merge", "verify")) {
                        int dispatch = 1;
                        batch.add(HistoryEvent.stepDispatched(runId, m, candidate, 1, step, dispatch, at));
                        if (step.equals("bump") && r.nextInt(20) == 0) {
                            batch.add(HistoryEvent.stepReported(runId, m, candidate, 1, step, dispatch, "failed", true,
                                                                Duration.ofMillis(200 + r.nextInt(5000)),
                                                                "merge conflict in values.yaml", Map.of("pullRequest", "https://git.example/" + run), at));
                            dispatch++;
                            batch.add(HistoryEvent.stepRetried(runId, m, candidate, 1, step, dispatch, at));
                            batch.add(HistoryEvent.stepDispatched(runId, m, candidate, 1, step, dispatch, at));
                        }
                        batch.add(HistoryEvent.stepReported(runId, m, candidate, 1, step, dispatch, step.equals("merge") ? "merged" : "succeeded",
                                                            true, Duration.ofMillis(100 + r.nextInt(step.equals("merge") ? 60_000 : 3_000)),
                                                            "", Map.of(), at));
                    }
                    batch.add(HistoryEvent.runEnded(EventKind.RUN_COMPLETED, runId, m, candidate, 1, at, Duration.ofMinutes(2)));
                    history.recorder().recordAll(batch);
                    mine += batch.size();
                    written.addAndGet(batch.size());
                    runs.incrementAndGet();
                    run++;
                }
                return null;
            }));
        }
        Instant actionOrigin = Instant.now().minus(Duration.ofDays(60));
        for (Future<?> load : loads) {
            try {
                load.get();
            } catch (Exception e) {
                throw new IllegalStateException("loading failed: " + e, e);
            }
        }
        double eventSeconds = (System.nanoTime() - started) / 1e9;
        long actionsStarted = System.nanoTime();
        List<Future<?>> actionLoads = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            actionLoads.add(pool.submit(() -> {
                Random r = new Random(100 + thread);
                for (int i = thread; i < actions; i += threads) {
                    history.recorder().record(new OperatorAction(actionOrigin.plusSeconds(i * 5L), ACTORS[r.nextInt(ACTORS.length)],
                                                                 ACTIONS[r.nextInt(ACTIONS.length)], migration(i % migrations),
                                                                 "c-" + (i % 5000), "run-" + i, "10.0." + (i % 250) + ".1", Map.of()));
                }
                return null;
            }));
        }
        for (Future<?> load : actionLoads) {
            try {
                load.get();
            } catch (Exception e) {
                throw new IllegalStateException("loading failed: " + e, e);
            }
        }
        pool.shutdown();
        double actionSeconds = (System.nanoTime() - actionsStarted) / 1e9;
        if (history.recorder().failures() > 0) {
            throw new IllegalStateException(history.recorder().failures() + " history writes failed while loading");
        }
        line("Load: %,d events (%,d runs) in %.1f s (%,.0f events/s, with rollups); %,d audit entries in %.1f s",
             written.get(), runs.get(), eventSeconds, written.get() / eventSeconds, actions, actionSeconds);
        return runs.get();
    }

    /** The answers must count what was loaded, or the timings mean nothing. */
    private void check(Api api, long runs) {
        JsonNode totals = api.get("/history/totals").json();
        expect(totals.at("/runs/started").asLong() == runs && totals.at("/runs/completed").asLong() == runs,
               "totals count " + totals.at("/runs") + ", loaded " + runs + " runs");
        JsonNode page = api.get("/history/audit?limit=500").json();
        expect(page.get("items").size() == Math.min(500, actions), "the audit page has " + page.get("items").size() + " items");
    }

    private void measure(Api api) {
        Map<String, Supplier<String>> endpoints = new LinkedHashMap<>();
        endpoints.put("totals ?migration", () -> "/history/totals?migration=" + anyMigration());
        endpoints.put("totals (all)", () -> "/history/totals");
        endpoints.put("burndown ?migration day/30d", () -> "/history/burndown?bucket=day&migration=" + anyMigration());
        endpoints.put("burndown ?migration hour/48h", () -> "/history/burndown?bucket=hour&migration=" + anyMigration());
        endpoints.put("burndown (all) day/30d", () -> "/history/burndown?bucket=day");
        endpoints.put("steps ?migration", () -> "/history/steps?migration=" + anyMigration());
        endpoints.put("steps (all)", () -> "/history/steps");
        endpoints.put("failures ?migration limit=20", () -> "/history/failures?migration=" + anyMigration());
        endpoints.put("failures (all) limit=20", () -> "/history/failures");
        endpoints.put("audit newest page limit=50", () -> "/history/audit");
        endpoints.put("audit random cursor limit=50", () -> "/history/audit?cursor=" + HistoryQueries.encodeCursor(1 + random.nextInt(actions)));
        endpoints.put("audit ?migration&candidate", () -> "/history/audit?migration=" + anyMigration() + "&candidate=c-" + random.nextInt(5000));
        endpoints.put("audit ?actor random cursor", () -> "/history/audit?actor=" + ACTORS[random.nextInt(ACTORS.length)]
                + "&cursor=" + HistoryQueries.encodeCursor(1 + random.nextInt(actions)));
        endpoints.put("audit ?action&migration", () -> "/history/audit?action=" + ACTIONS[random.nextInt(ACTIONS.length)]
                + "&migration=" + anyMigration());
        line("");
        line("%-32s %6s %9s %9s %9s", "endpoint (ms)", "n", "p50", "p99", "max");
        endpoints.forEach((name, path) -> {
            for (int i = 0; i < warmup; i++) {
                api.get(path.get());
            }
            Latencies latencies = new Latencies();
            for (int i = 0; i < reads; i++) {
                latencies.add(api.get(path.get()).nanos());
            }
            line("%-32s %s", name, latencies.summary());
        });
    }

    private String anyMigration() {
        return migration(random.nextInt(migrations));
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private String pgUser() {
        return config.getOrDefault("pgUser", "postgres");
    }

    private static void sql(String url, String user, String statement) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    private static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
