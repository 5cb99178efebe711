package dev.drover.bench;

import dev.drover.core.auth.Role;
import dev.drover.core.function.Settings;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.core.state.RedisState;
import dev.drover.local.stack.EmbeddedTemporal;
import dev.drover.local.stack.LocalStack;
import dev.drover.local.stack.LocalStackSettings;
import dev.drover.migrator.Migrator;
import dev.drover.workflows.CandidateRunWorkflow;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.temporal.activity.ActivityInterface;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Run benchmark: N candidates × 3 steps through the whole local stack with a no-op migrator (workflow,
 * Dapr stand-in, step relay, broker stand-in, migrator over HTTP, callback over HTTP), against Temporal's floor
 * for the same step shape ({@link FloorWorkflow}: per step a dispatch activity, an update from outside awaited
 * with a deadline timer, a record local activity, as Drover's; the same worker options, no sticky cache). Each half runs on a fresh
 * Temporal server after a warm-up, and the order alternates between rounds. Reports each half's time per step
 * and the ratio of the means.
 * <p>
 * Settings (system properties or name=value arguments): candidates (1000), concurrency (64 runs in flight, for
 * both), warmup (100 unmeasured first on each fresh server), jitWarmup (500: candidates of each unmeasured half run
 * before the rounds for the JVM's compilers), jitRounds (at most 8 such pairs, fewer once the compilers use less
 * than a tenth of a CPU), rounds (2: Drover first, then the floor first), halves ({@code drover,floor}; {@code shape} adds or
 * replaces Drover's half with {@link RunShape}, Drover's run workflow alone on the floor's harness; {@code state}, {@link RunWithState}, that
 * workflow with its activities on Redis and no hop). Each measured half also
 * reports the CPU this JVM and Redis used per step, and how much CPU the compilers still used.
 */
public final class RunBench {
    static final String MIGRATION = "bench-runs";
    static final String APP = "bench-migrator";
    private static final int STEPS = 3;
    private static final URI REDIS = URI.create(System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL));

    private RunBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = BenchArgs.parse(args, "candidates=1000");
        int n = Integer.parseInt(props.getOrDefault("candidates", "1000").replace("_", ""));
        int concurrency = Integer.parseInt(props.getOrDefault("concurrency", "64"));
        int warmup = Integer.parseInt(props.getOrDefault("warmup", "100"));
        int rounds = Integer.parseInt(props.getOrDefault("rounds", "2"));
        int jitWarmup = Integer.parseInt(props.getOrDefault("jitWarmup", "500"));
        int jitRounds = Integer.parseInt(props.getOrDefault("jitRounds", "8"));
        List<String> halves = List.of(props.getOrDefault("halves", "drover,floor").split(","));
        if (!halves.contains("floor") || halves.size() < 2 || halves.size() != new java.util.HashSet<>(halves).size()
                || !List.of("drover", "state", "shape", "floor").containsAll(halves)) {
            System.err.println("halves must name the floor and at least one of drover, state and shape, each once (drover,floor; "
                                       + "shape,floor; drover,state,shape,floor), got " + halves);
            System.exit(2);
        }

        System.out.printf(Locale.ROOT, "Drover run benchmark: %d candidates x %d steps (after %d unmeasured), %d runs in flight, %d rounds,"
                                  + " %d CPUs, java %s; halves %s%n", n, STEPS, warmup, concurrency, rounds,
                          Runtime.getRuntime().availableProcessors(), Runtime.version(), String.join(", ", halves));
        Map<String, List<Double>> ms = new java.util.LinkedHashMap<>();
        Map<String, List<Double>> cpuMs = new java.util.LinkedHashMap<>();
        // One JVM runs every half, and it compiles as it goes: with Temporal, gRPC, Helidon and Jackson there is so much
        // code that C2 kept one of the two CPUs busy for minutes, and a half measured then measured the compiler (after 300
        // candidates of warm-up a Drover step took twice as long as after 2,000 more). So unmeasured halves of each run
        // first until the compilers use less than a tenth of a CPU.
        for (int warm = 1; jitWarmup > 0 && warm <= jitRounds; warm++) {
            double compiling = CpuTime.compilingSeconds();
            long began = System.nanoTime();
            for (String half : halves) {
                half(half, jitWarmup, 0, concurrency);
            }
            double share = (CpuTime.compilingSeconds() - compiling) / ((System.nanoTime() - began) / 1e9);
            System.out.printf(Locale.ROOT, "JIT warm-up %d: one unmeasured half of each with %d candidates, compiling on %.0f%% of a CPU%n",
                              warm, jitWarmup, share * 100);
            if (share < 0.10) {
                break;
            }
        }
        // Each half on a fresh Temporal server, warmed up; the order alternates (as given in odd rounds, reversed in even
        // ones), so no side always runs on a warmer JVM.
        for (int round = 1; round <= rounds; round++) {
            for (String half : round % 2 == 1 ? halves : halves.reversed()) {
                boolean floorHalf = half.equals("floor");
                Result result = half(half, n, warmup, concurrency);
                ms.computeIfAbsent(half, h -> new ArrayList<>()).add(result.seconds() * 1000.0 / (n * (double) STEPS));
                cpuMs.computeIfAbsent(half, h -> new ArrayList<>()).add(result.cpuMsPerStep(n));
                System.out.printf(Locale.ROOT, "round %d %-7s %d %s x %d steps in %.2f s = %.1f %s/s, %.1f steps/s, %.3f ms per step, %s%n",
                                  round, label(half), n, floorHalf ? "workflows" : "candidates", STEPS, result.seconds(),
                                  n / result.seconds(), floorHalf ? "workflows" : "candidates", n * STEPS / result.seconds(),
                                  result.seconds() * 1000.0 / (n * (double) STEPS), result.cpuText(n));
            }
        }
        double floor = mean(ms.get("floor"));
        double floorCpu = mean(cpuMs.get("floor"));
        System.out.println();
        for (String half : halves) {
            if (half.equals("floor")) {
                continue;
            }
            double measured = mean(ms.get(half));
            double measuredCpu = mean(cpuMs.get(half));
            System.out.printf(Locale.ROOT, "mean per step: %s %.3f ms, Temporal's floor for the same step shape %.3f ms%n", label(half), measured,
                              floor);
            System.out.printf(Locale.ROOT, "Ratio    %s step / Temporal floor step = %.2f%n", label(half), measured / floor);
            System.out.printf(Locale.ROOT, "CPU per step (this JVM and Redis): %s %.3f ms, floor %.3f ms, ratio %.2f%n", label(half), measuredCpu,
                              floorCpu, measuredCpu / floorCpu);
        }
        System.out.println("RESULT: OK");
        System.exit(0);
    }

    private static String label(String half) {
        return switch (half) {
            case "drover" -> "Drover";
            case "shape" -> "Shape";
            case "state" -> "State";
            default -> "floor";
        };
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static Result half(String half, int n, int warmup, int concurrency) throws Exception {
        return half.equals("drover") ? droverHalf(n, warmup, concurrency) : temporalHalf(half, n, warmup, concurrency);
    }

    /** Drover's half: a fresh local stack (its own Temporal server and key prefix), warmed up, then n candidates. */
    private static Result droverHalf(int n, int warmup, int concurrency) throws Exception {
        String prefix = "drover-bench-" + UUID.randomUUID() + ":";
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", REDIS.toString(),
                                                             "DROVER_REDIS_PREFIX", prefix));
        int temporalPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            temporalPort = socket.getLocalPort();
        }
        List<DiscoveredCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < warmup + n; i++) {
            candidates.add(new DiscoveredCandidate(candidateId(i), "bench", Map.of(), List.of(), List.of()));
        }
        try (LocalStack stack = LocalStack.start(LocalStackSettings.ephemeral(functions, temporalPort).withoutDemo());
             Migrator migrator = LocalBench.noopMigrator(stack, APP, MIGRATION, "Bench", STEPS, candidates)) {
            stack.addMigrator(APP, migrator.stepsUri());
            LocalBench.quietLogs(); // after start-up: Helidon reads logging.properties (INFO) while it starts
            drover(stack, candidates, 0, warmup, concurrency);
            return drover(stack, candidates, warmup, warmup + n, concurrency);
        } finally {
            drop(functions.redisUrl(), prefix);
        }
    }


    /** A measured half: its wall time, and the CPU this JVM and Redis (and the JVM's compilers) used meanwhile. */
    private record Result(double seconds, CpuTime cpu) {
        double cpuMsPerStep(int candidates) {
            return (cpu.jvm() + cpu.redis()) * 1000.0 / (candidates * (double) STEPS);
        }

        String cpuText(int candidates) {
            return String.format(Locale.ROOT, "CPU %.3f ms per step (JVM %.1f s, Redis %.1f s), compiling on %.0f%% of a CPU",
                                 cpuMsPerStep(candidates), cpu.jvm(), cpu.redis(), cpu.compiling() * 100 / seconds);
        }
    }


    /** Starts candidates [from, to) with at most {@code concurrency} in flight and waits until they completed. */
    private static Result drover(LocalStack stack, List<DiscoveredCandidate> candidates, int from, int to, int concurrency) throws Exception {
        long discovered = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (stack.state().migrations().find(MIGRATION).map(m -> m.candidates().total()).orElse(0L) < candidates.size()) {
            if (System.nanoTime() > discovered) {
                throw new IllegalStateException("the migrator's discovery did not submit " + candidates.size() + " candidates in 2 minutes");
            }
            Thread.sleep(50);
        }
        HttpClient http = HttpClient.newHttpClient();
        String operator = stack.issuer().userToken("bench", Role.OPERATOR);
        AtomicReference<Exception> failed = new AtomicReference<>();
        CpuTime cpu = CpuTime.now(REDIS);
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(30).toNanos();
        // Runs in flight are capped (like an operator starting a fleet in waves): the measure is
        // sustained throughput, not how a queue of thousands of waiting runs behaves.
        Semaphore inFlight = new Semaphore(concurrency);
        int started = from;
        long completed = from;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (completed < to) {
                long done = completed(stack);
                inFlight.release((int) (done - completed));
                completed = done;
                while (started < to && inFlight.tryAcquire()) {
                    DiscoveredCandidate candidate = candidates.get(started++);
                    pool.submit(() -> {
                        try {
                            start(http, stack, operator, candidate);
                        } catch (Exception e) {
                            failed.compareAndSet(null, e); // a start that failed would otherwise leave the loop waiting forever
                        }
                    });
                }
                if (failed.get() != null) {
                    throw new IllegalStateException("a start failed: " + failed.get().getMessage(), failed.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + completed + " of " + to + " completed in 30 minutes");
                }
                Thread.sleep(10);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(seconds, CpuTime.now(REDIS).since(cpu));
    }

    private static long completed(LocalStack stack) {
        return stack.state().migrations().find(MIGRATION).orElseThrow().candidates().byStatus()
                .get(dev.drover.contract.model.CandidateStatus.COMPLETED);
    }

    private static void start(HttpClient http, LocalStack stack, String token, DiscoveredCandidate candidate) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(stack.apiUri().resolve(
                        "/migrations/" + MIGRATION + "/candidates/" + candidate.id() + "/start"))
                                                        .header("Authorization", "Bearer " + token)
                                                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                                                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("start failed: " + answer.statusCode() + " " + answer.body());
        }
    }

    @WorkflowInterface
    public interface Floor {
        @WorkflowMethod
        void run(int steps);

        @UpdateMethod
        void callback(int step);
    }

    @ActivityInterface
    public interface FloorActivities {
        void dispatch(String workflowId, int step);

        void record(String workflowId, int step);

        void complete(String workflowId);
    }

    /**
     * Temporal's floor for Drover's step shape: per step, a dispatch activity, a wait for an update from outside with
     * a deadline timer (Drover's default step deadline), a record local activity; one completing local activity at the
     * end (as {@code CandidateRunWorkflow}, with its options). No Redis, no HTTP: only what Temporal itself costs for
     * the same work.
     */
    public static final class FloorWorkflow implements Floor {
        // The run workflow's own options, so that the floor cannot drift from the shape it stands for.
        private final FloorActivities dispatcher = Workflow.newActivityStub(FloorActivities.class, CandidateRunWorkflow.ACTIVITIES);
        private final FloorActivities activities = Workflow.newLocalActivityStub(FloorActivities.class,
                                                                                 CandidateRunWorkflow.LOCAL_ACTIVITIES);
        private final java.util.Set<Integer> called = new java.util.HashSet<>();

        @Override
        public void run(int steps) {
            String id = Workflow.getInfo().getWorkflowId();
            for (int step = 1; step <= steps; step++) {
                int current = step;
                dispatcher.dispatch(id, step);
                Workflow.await(Duration.ofDays(7), () -> called.contains(current));
                activities.record(id, step);
            }
            activities.complete(id);
        }

        @Override
        public void callback(int step) {
            called.add(step);
        }
    }

    /** A candidate's id, the same for the same index in every half. */
    static String candidateId(int index) {
        return "c-%06d".formatted(index);
    }

    /** How a half on a bare Temporal server starts its workflow number {@code index} under {@code workflowId}. */
    interface Starter {
        void start(String workflowId, int index);
    }

    /**
     * A half without the local stack: the floor, the shape ({@link RunShape}) or the state ({@link RunWithState}), each on
     * a fresh Temporal server (the local stack's, {@link EmbeddedTemporal}) with the run worker's options (no sticky
     * cache), warmed up, then n workflows.
     */
    private static Result temporalHalf(String kind, int n, int warmup, int concurrency) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EmbeddedTemporal server = EmbeddedTemporal.start("127.0.0.1", port)) {
            // As the local stack's clients of its embedded server (no gzip, no worker heartbeats)
            WorkflowClient client = new TemporalSettings("127.0.0.1:" + port, "default").client(TemporalSettings.Server.EMBEDDED);
            io.temporal.serviceclient.WorkflowServiceStubs service = client.getWorkflowServiceStubs();
            String queue = kind.equals("state") ? RunClient.TASK_QUEUE : "bench-floor"; // RunStarter starts runs on the run queue
            WorkerFactory factory = WorkerFactory.newInstance(client, io.temporal.worker.WorkerFactoryOptions.newBuilder()
                    .setUsingVirtualWorkflowThreads(true).build());
            // As the local stack's run worker (virtual threads; RunWorker.Cache.NONE: every workflow task replays the history).
            Worker worker = factory.newWorker(queue, io.temporal.worker.WorkerOptions.newBuilder().setUsingVirtualThreads(true)
                    .setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
            ExecutorService callbacks = Executors.newVirtualThreadPerTaskExecutor();
            RedisState state = kind.equals("state") ? RedisState.connect(REDIS, "drover-bench-" + UUID.randomUUID() + ":") : null;
            Starter starter = switch (kind) {
                case "state" -> RunWithState.prepare(state, worker, client, callbacks, STEPS, warmup + n)::start;
                case "shape" -> RunShape.register(worker, client, callbacks, queue, STEPS);
                default -> registerFloor(worker, client, callbacks, queue);
            };
            factory.start();
            try {
                measure(client, starter, 0, warmup, concurrency);
                return measure(client, starter, warmup, warmup + n, concurrency);
            } finally {
                factory.shutdownNow();
                factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS); // pollers first, then their channel
                callbacks.shutdownNow();
                service.shutdownNow();
                if (state != null) {
                    state.deleteAllKeys();
                    state.close();
                }
            }
        }
    }

    private static Starter registerFloor(Worker worker, WorkflowClient client, ExecutorService callbacks, String queue) {
        worker.registerWorkflowImplementationTypes(FloorWorkflow.class);
        // Like a migrator's callback: the update comes from outside the worker, after the dispatch returned.
        worker.registerActivitiesImplementations(new FloorActivities() {
            @Override
            public void dispatch(String workflowId, int step) {
                callbacks.submit(() -> client.newWorkflowStub(Floor.class, workflowId).callback(step));
            }

            @Override
            public void record(String workflowId, int step) {
            }

            @Override
            public void complete(String workflowId) {
            }
        });
        return (workflowId, index) -> WorkflowClient.start(client.newWorkflowStub(Floor.class, WorkflowOptions.newBuilder()
                .setTaskQueue(queue).setWorkflowId(workflowId).build())::run, STEPS);
    }

    /** Starts workflows [from, to), at most {@code concurrency} in flight, and waits until they completed. */
    private static Result measure(WorkflowClient client, Starter starter, int from, int to, int concurrency) throws Exception {
        List<java.util.concurrent.CompletableFuture<Void>> results = new ArrayList<>();
        CpuTime cpu = CpuTime.now(REDIS);
        long start = System.nanoTime();
        Semaphore inFlight = new Semaphore(concurrency);
        for (int i = from; i < to; i++) {
            String id = "run-" + UUID.randomUUID();
            inFlight.acquire();
            starter.start(id, i);
            results.add(client.newUntypedWorkflowStub(id).getResultAsync(Void.class)
                                .whenComplete((ok, failed) -> inFlight.release()));
        }
        java.util.concurrent.CompletableFuture.allOf(results.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(seconds, CpuTime.now(REDIS).since(cpu));
    }

    private static void drop(URI redisUrl, String prefix) {
        try (RedisState state = RedisState.connect(redisUrl, prefix)) {
            state.deleteAllKeys();
        }
    }

}
