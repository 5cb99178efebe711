package dev.drover.bench;

import dev.drover.core.auth.Role;
import dev.drover.core.function.Settings;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.state.RedisState;
import dev.drover.local.stack.LocalStack;
import dev.drover.local.stack.LocalStackSettings;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.SignalMethod;
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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Run benchmark: N candidates × 3 steps through the whole local stack with a no-op migrator (workflow,
 * Dapr stand-in, step relay, broker stand-in, migrator over HTTP, callback over HTTP), beside a bare
 * Temporal workflow with one activity and one signal on the same Temporal test server, in the same run.
 * Reports candidates/s, time per step, and the ratio of Drover's time per step to the bare
 * workflow's time per (activity + signal).
 * <p>
 * Settings (system properties or name=value arguments): candidates (1000), concurrency (64 runs in flight;
 * the bare workflows get the same cap).
 */
public final class RunBench {
    private static final String MIGRATION = "bench-runs";
    private static final String APP = "bench-migrator";
    private static final int STEPS = 3;

    private RunBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                System.err.println("arguments are name=value, e.g. candidates=1000");
                System.exit(2);
            }
            props.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int n = Integer.parseInt(props.getOrDefault("candidates", "1000").replace("_", ""));
        int concurrency = Integer.parseInt(props.getOrDefault("concurrency", "64"));

        String prefix = "drover-bench-" + UUID.randomUUID() + ":";
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", prefix));
        int temporalPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            temporalPort = socket.getLocalPort();
        }
        System.out.printf(Locale.ROOT, "Drover run benchmark: %d candidates x %d steps, %d runs in flight, %d CPUs, java %s%n",
                          n, STEPS, concurrency, Runtime.getRuntime().availableProcessors(), Runtime.version());
        boolean ok = false;
        List<DiscoveredCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            candidates.add(new DiscoveredCandidate("c-%06d".formatted(i), "bench", Map.of(), List.of(), List.of()));
        }
        try (LocalStack stack = LocalStack.start(LocalStackSettings.ephemeral(functions, temporalPort).withoutDemo());
             Migrator migrator = noopMigrator(stack, candidates)) {
            stack.addMigrator(APP, migrator.stepsUri());
            quietLogs(); // after start-up: Helidon reads logging.properties (INFO) while it starts
            Result drover = drover(stack, candidates, n, concurrency);
            Result bare = bare(stack.workflowClient(), n, concurrency);
            double perStep = drover.seconds * 1000.0 / (n * (double) STEPS);
            double perBare = bare.seconds * 1000.0 / n;
            System.out.printf(Locale.ROOT, "%nDrover   %d candidates x %d steps in %.2f s = %.1f candidates/s, %.1f steps/s, %.3f ms per step%n",
                              n, STEPS, drover.seconds, n / drover.seconds, n * STEPS / drover.seconds, perStep);
            System.out.printf(Locale.ROOT, "Bare     %d workflows (1 activity + 1 signal) in %.2f s = %.1f workflows/s, %.3f ms per workflow%n",
                              n, bare.seconds, n / bare.seconds, perBare);
            System.out.printf(Locale.ROOT, "Ratio    Drover step / bare activity+signal = %.2f%n", perStep / perBare);
            ok = true;
        } finally {
            drop(functions.redisUrl(), prefix);
        }
        System.out.println(ok ? "RESULT: OK" : "RESULT: FAILED");
        System.exit(ok ? 0 : 1);
    }

    /** One log line per request would measure the console, not Drover. */
    private static void quietLogs() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
    }

    private record Result(double seconds) {
    }

    /** A migrator on the SDK whose every step succeeds at once: what is measured is Drover, not a migration. */
    private static Migrator noopMigrator(LocalStack stack, List<DiscoveredCandidate> candidates) {
        List<Step> steps = new ArrayList<>();
        for (int i = 1; i <= STEPS; i++) {
            steps.add(new Step("step-" + i, "", APP, "noop", Map.of()));
        }
        return Migrator.builder(APP, new Migration(MIGRATION, "Bench", "", List.of(), steps, List.of()))
                .discovery(() -> candidates)
                .step("noop", step -> StepResult.succeeded(Map.of(), "nothing to change"))
                .dapr(stack.daprClient())
                .tokens(stack.migratorTokens(APP))
                .start(MigratorSettings.local(stack.apiUri()));
    }

    private static Result drover(LocalStack stack, List<DiscoveredCandidate> candidates, int n, int concurrency) throws Exception {
        long discovered = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (stack.state().migrations().find(MIGRATION).map(m -> m.candidates().total()).orElse(0L) < n) {
            if (System.nanoTime() > discovered) {
                throw new IllegalStateException("the migrator's discovery did not submit " + n + " candidates in 2 minutes");
            }
            Thread.sleep(50);
        }
        HttpClient http = HttpClient.newHttpClient();
        String operator = stack.issuer().userToken("bench", Role.OPERATOR);
        AtomicReference<Exception> failed = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(30).toNanos();
        // Runs in flight are capped (like an operator starting a fleet in waves): the measure is
        // sustained throughput, not how a queue of thousands of waiting runs behaves.
        Semaphore inFlight = new Semaphore(concurrency);
        int started = 0;
        long completed = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (completed < n) {
                long done = completed(stack);
                inFlight.release((int) (done - completed));
                completed = done;
                while (started < n && inFlight.tryAcquire()) {
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
                    throw new IllegalStateException("only " + completed + " of " + n + " completed in 30 minutes");
                }
                Thread.sleep(10);
            }
        }
        return new Result((System.nanoTime() - start) / 1e9);
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
    public interface Bare {
        @WorkflowMethod
        void run();

        @SignalMethod
        void done();
    }

    @ActivityInterface
    public interface BareActivity {
        void work(String workflowId);
    }

    /** One activity, then wait for one signal: the smallest shape of "dispatch, then await the callback". */
    public static final class BareWorkflow implements Bare {
        private final BareActivity activity = Workflow.newActivityStub(BareActivity.class,
                ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
        private boolean done;

        @Override
        public void run() {
            activity.work(Workflow.getInfo().getWorkflowId());
            Workflow.await(() -> done);
        }

        @Override
        public void done() {
            done = true;
        }
    }

    private static Result bare(WorkflowClient client, int n, int concurrency) throws Exception {
        String queue = "bench-bare";
        WorkerFactory factory = WorkerFactory.newInstance(client);
        Worker worker = factory.newWorker(queue);
        worker.registerWorkflowImplementationTypes(BareWorkflow.class);
        ExecutorService callbacks = Executors.newVirtualThreadPerTaskExecutor();
        // Like a migrator's callback: the signal comes from outside the worker, after the activity returned.
        worker.registerActivitiesImplementations((BareActivity) workflowId -> callbacks.submit(
                () -> client.newWorkflowStub(Bare.class, workflowId).done()));
        factory.start();
        try {
            List<java.util.concurrent.CompletableFuture<Void>> results = new ArrayList<>();
            long start = System.nanoTime();
            Semaphore inFlight = new Semaphore(concurrency);
            for (int i = 0; i < n; i++) {
                String id = "bare-" + UUID.randomUUID();
                inFlight.acquire();
                WorkflowClient.start(client.newWorkflowStub(Bare.class, WorkflowOptions.newBuilder()
                        .setTaskQueue(queue).setWorkflowId(id).build())::run);
                results.add(client.newUntypedWorkflowStub(id).getResultAsync(Void.class)
                                    .whenComplete((ok, failed) -> inFlight.release()));
            }
            java.util.concurrent.CompletableFuture.allOf(results.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
            return new Result((System.nanoTime() - start) / 1e9);
        } finally {
            factory.shutdownNow();
            callbacks.shutdownNow();
        }
    }

    private static void drop(URI redisUrl, String prefix) {
        try (RedisState state = RedisState.connect(redisUrl, prefix)) {
            state.deleteAllKeys();
        }
    }

}
