package dev.drover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Role;
import dev.drover.core.function.Settings;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.core.state.RedisState;
import dev.drover.local.stack.LocalStack;
import dev.drover.local.stack.LocalStackSettings;
import dev.drover.migrator.Migrator;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One rollout of N candidates × 3 no-op steps at a concurrency (200 by default) through the whole local stack:
 * the rollout's workflow pages the selection, starts the runs through the same path as {@code POST .../start}, and
 * learns how they end from their signals. Reports the time from the rollout's creation to its completion, runs/s
 * and steps/s, and the most runs the rollout had in flight (sampled from its record). A harness, not a test.
 * <p>
 * Settings: candidates (1000), concurrency (200), warmup (0: that many other candidates rolled out first, unmeasured, in
 * the same stack, so that the measured rollout runs on compiled code as a long-running platform does).
 */
public final class RolloutBench {
    private static final String MIGRATION = "bench-rollout";
    private static final String APP = "bench-rollout-migrator";
    private static final int STEPS = 3;

    private RolloutBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = BenchArgs.parse(args, "candidates=1000 concurrency=200");
        int n = Integer.parseInt(props.getOrDefault("candidates", "1000").replace("_", ""));
        int concurrency = Integer.parseInt(props.getOrDefault("concurrency", "200"));
        int warmup = Integer.parseInt(props.getOrDefault("warmup", "0").replace("_", ""));
        String prefix = "drover-bench-" + UUID.randomUUID() + ":";
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", prefix));
        int temporalPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            temporalPort = socket.getLocalPort();
        }
        System.out.printf(Locale.ROOT, "Drover rollout benchmark: %d candidates x %d steps, concurrency %d (after a rollout of %d unmeasured),"
                                  + " %d CPUs, java %s%n", n, STEPS, concurrency, warmup, Runtime.getRuntime().availableProcessors(),
                          Runtime.version());
        List<DiscoveredCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
            candidates.add(new DiscoveredCandidate("w-%06d".formatted(i), "bench", Map.of(), List.of(), List.of()));
        }
        for (int i = 0; i < n; i++) {
            candidates.add(new DiscoveredCandidate("c-%06d".formatted(i), "bench", Map.of(), List.of(), List.of()));
        }
        boolean ok = false;
        try (LocalStack stack = LocalStack.start(LocalStackSettings.ephemeral(functions, temporalPort).withoutDemo());
             Migrator migrator = LocalBench.noopMigrator(stack, APP, MIGRATION, "Rollout bench", STEPS, candidates)) {
            stack.addMigrator(APP, migrator.stepsUri());
            LocalBench.quietLogs();
            awaitDiscovery(stack, warmup + n);
            HttpClient http = HttpClient.newHttpClient();
            String token = stack.issuer().userToken("bench", Role.OPERATOR);
            if (warmup > 0) {
                // A platform runs for days: a first rollout lets the JIT compile what the measured one runs (C2 kept a
                // CPU busy for minutes in a cold JVM; RunBench, ADR 0019 addendum).
                Outcome warm = rollout(stack, http, token, "w-", warmup, concurrency, functions.redisUrl());
                System.out.printf(Locale.ROOT, "Warm-up  %d runs: %s in %.2f s, compiling on %.0f%% of a CPU%n", warmup, warm.status(),
                                  warm.seconds(), warm.cpu().compiling() * 100 / warm.seconds());
            }
            Outcome measured = rollout(stack, http, token, "c-", n, concurrency, functions.redisUrl());
            System.out.printf(Locale.ROOT, "%nRollout  %s: %s in %.2f s = %.1f runs/s, %.1f steps/s; most runs in flight seen: %d;"
                                      + " compiling on %.0f%% of a CPU; CPU per run %.1f ms (JVM %.1f + Redis %.1f)%n",
                              measured.rolloutId(), measured.status(), measured.seconds(),
                              n / measured.seconds(), n * STEPS / measured.seconds(), measured.most(),
                              measured.cpu().compiling() * 100 / measured.seconds(),
                              (measured.cpu().jvm() + measured.cpu().redis()) * 1e3 / n, measured.cpu().jvm() * 1e3 / n,
                              measured.cpu().redis() * 1e3 / n);
            System.out.println("Counts   " + measured.counts());
            ok = measured.status().equals("completed") && measured.counts().get("succeeded").asLong() == n && measured.most() <= concurrency;
        } finally {
            try (RedisState state = RedisState.connect(functions.redisUrl(), prefix)) {
                state.deleteAllKeys();
            }
        }
        System.out.println(ok ? "RESULT: OK" : "RESULT: FAILED");
        System.exit(ok ? 0 : 1);
    }


    /** How a rollout ended: its id, status, time from creation to its end, counts, most runs in flight, CPU it took. */
    private record Outcome(String rolloutId, String status, double seconds, JsonNode counts, long most, CpuTime cpu) {
    }

    /** One rollout of the candidates whose ids start with {@code prefix}, created as an operator would, watched to its end. */
    private static Outcome rollout(LocalStack stack, HttpClient http, String token, String prefix, int n, int concurrency, URI redis)
            throws Exception {
        CpuTime cpuAtStart = CpuTime.now(redis);
        long start = System.nanoTime();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(stack.apiUri().resolve("/migrations/" + MIGRATION + "/rollouts"))
                                                         .header("Authorization", "Bearer " + token)
                                                         .header("Content-Type", "application/json")
                                                         .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(
                                                                 Map.of("selector", Map.of("idPrefix", prefix), "concurrency", concurrency))))
                                                         .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 202) {
            throw new IllegalStateException("the rollout was not created: " + created.statusCode() + " " + created.body());
        }
        String rolloutId = Json.mapper().readTree(created.body()).get("rolloutId").asText();
        long most = 0;
        JsonNode rollout;
        long deadline = start + Duration.ofMinutes(60).toNanos();
        // A line every 10 s (CPU as a share of one CPU; the compilers' time is part of the JVM's): whether the rate holds
        // through the rollout, when the JIT is done, and a stall (runs in flight, none ending) shows as a line of zeros.
        Window window = new Window(start, 0, cpuAtStart);
        while (true) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(stack.apiUri().resolve(
                            "/migrations/" + MIGRATION + "/rollouts/" + rolloutId)).header("Authorization", "Bearer " + token).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            rollout = Json.mapper().readTree(answer.body());
            most = Math.max(most, rollout.get("counts").get("running").asLong());
            if (System.nanoTime() - window.at() >= WINDOW.toNanos()) {
                long endedBefore = window.ended();
                window = window.next(rollout.get("counts"), start, redis);
                if (window.ended() == endedBefore && endedBefore > 0) {
                    describeStall(stack);
                }
            }
            if (!rollout.get("status").asText().equals("running") || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (rollout.get("counts").get("selected").asLong() != n) {
            throw new IllegalStateException("the rollout selected " + rollout.get("counts").get("selected") + " candidates, not " + n);
        }
        return new Outcome(rolloutId, rollout.get("status").asText(), seconds, rollout.get("counts"), most,
                           CpuTime.now(redis).since(cpuAtStart));
    }

    private static final Duration WINDOW = Duration.ofSeconds(10);

    /**
     * No run ended for a whole window while the rollout had runs in flight: says what is still open in Temporal and what
     * each open workflow did last, so a stall tells whether runs are stuck (and on what) or the rollout missed their end.
     */
    private static void describeStall(LocalStack stack) {
        WorkflowServiceGrpc.WorkflowServiceBlockingStub temporal = stack.workflowClient().getWorkflowServiceStubs().blockingStub();
        String namespace = stack.workflowClient().getOptions().getNamespace();
        List<WorkflowExecutionInfo> open = temporal.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(namespace).setMaximumPageSize(1000).build()).getExecutionsList();
        System.out.printf(Locale.ROOT, "  stalled: %d workflows open in Temporal%n", open.size());
        for (WorkflowExecutionInfo info : open.subList(0, Math.min(open.size(), 8))) {
            List<HistoryEvent> events = temporal.getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(namespace).setExecution(info.getExecution()).setMaximumPageSize(10_000).build())
                    .getHistory().getEventsList();
            StringBuilder last = new StringBuilder();
            for (HistoryEvent event : events.subList(Math.max(0, events.size() - 4), events.size())) {
                last.append(' ').append(event.getEventType().name().replace("EVENT_TYPE_", "").toLowerCase(Locale.ROOT))
                    .append(String.format(Locale.ROOT, "@-%ds", Instant.now().getEpochSecond() - event.getEventTime().getSeconds()));
            }
            System.out.printf(Locale.ROOT, "    %s %s, %d events, last:%s%n", info.getType().getName(), info.getExecution().getWorkflowId(),
                              events.size(), last);
        }
    }

    /** Where the rollout stood at the last progress line: when, how many runs had ended, the CPU used so far. */
    private record Window(long at, long ended, CpuTime cpu) {
        Window next(JsonNode counts, long start, URI redis) {
            long now = System.nanoTime();
            long endedNow = counts.get("succeeded").asLong() + counts.get("failed").asLong() + counts.get("cancelled").asLong();
            CpuTime cpuNow = CpuTime.now(redis);
            CpuTime used = cpuNow.since(cpu);
            double seconds = (now - at) / 1e9;
            long runs = endedNow - ended;
            Runtime runtime = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "  %5.0f s: %6d ended, %5.1f runs/s; CPU %3.0f%% JVM + %3.0f%% Redis, compilers %3.0f%%;"
                                      + " %s ms CPU per run; heap used %d MB%n", (now - start) / 1e9, endedNow, runs / seconds,
                              used.jvm() * 100 / seconds, used.redis() * 100 / seconds, used.compiling() * 100 / seconds,
                              runs == 0 ? "-" : String.format(Locale.ROOT, "%.1f", (used.jvm() + used.redis()) * 1e3 / runs),
                              (runtime.totalMemory() - runtime.freeMemory()) >> 20);
            return new Window(now, endedNow, cpuNow);
        }
    }

    private static void awaitDiscovery(LocalStack stack, int n) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (stack.state().migrations().find(MIGRATION).map(m -> m.candidates().total()).orElse(0L) < n) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the migrator's discovery did not submit " + n + " candidates in 2 minutes");
            }
            Thread.sleep(50);
        }
    }

}
