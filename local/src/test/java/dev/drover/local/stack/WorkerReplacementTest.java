package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.core.json.Json;
import dev.drover.core.model.DiscoveredCandidate;
import dev.drover.core.model.Migration;
import dev.drover.core.model.Step;
import dev.drover.core.run.CallbackStatus;
import dev.drover.core.run.StepEvent;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepResult;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run worker dies mid-run, as a crashed pod, and a new one takes over: through the local stack over
 * real sockets (HTTP, gRPC to the in-process Temporal server and the Dapr stand-in, Redis), with a
 * migrator on the SDK. Each run must complete, every step executed once by the migrator.
 */
class WorkerReplacementTest {
    private static final String MIGRATOR = "replacement-migrator";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalStack stack;
    private static Migrator migrator;
    private static RedisClient redis;
    /** Steps as the migrator executes them; each waits for the test's verdict. */
    private static final BlockingQueue<Execution> executed = new LinkedBlockingQueue<>();
    /** How many times the migrator executed each run/step: the SDK drops redeliveries, the platform must not dispatch twice. */
    private static final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    private record Execution(StepContext step, CompletableFuture<StepResult> result) {
    }

    @BeforeAll
    static void start() throws IOException {
        String redisUrl = System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL);
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", redisUrl,
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        stack = LocalStack.start(LocalStackSettings.ephemeral(functions, freePort()).withoutDemo());
        redis = RedisClient.create(URI.create(redisUrl));
        migrator = Migrator.builder(MIGRATOR, new Migration("replacement-unused", "unused", "", List.of(),
                                                            List.of(new Step("unused", "", MIGRATOR, "test", Map.of())), List.of()))
                .step("test", step -> {
                    executions.computeIfAbsent(step.runId() + "/" + step.step().name(), k -> new AtomicInteger()).incrementAndGet();
                    Execution execution = new Execution(step, new CompletableFuture<>());
                    executed.add(execution);
                    return execution.result().get(2, TimeUnit.MINUTES);
                })
                .dapr(stack.daprClient())
                .start(MigratorSettings.local(stack.apiUri()));
        stack.addMigrator(MIGRATOR, migrator.stepsUri());
    }

    @AfterAll
    static void stop() {
        migrator.close();
        stack.close();
        redis.close();
        StackKeys.drop(stack.state());
    }

    /**
     * The worker dies while the run waits for the migrator; the migrator's callback arrives while no worker
     * runs (a Temporal update that nobody can run yet). The next worker takes it and the run goes on. Then
     * the same between two steps, and the run completes.
     */
    @Test
    void aCallbackThatArrivesWhileNoWorkerRunsIsTakenByTheNextWorker() throws Exception {
        announceAndDiscover("replace-callbacks", List.of("bump", "merge", "verify"), List.of("alpha"));
        String runId = start("replace-callbacks", "alpha");

        Execution bump = nextStep(runId);
        assertEquals("bump", bump.step().step().name());
        awaitLastEvent(runId, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, "the run waits for bump's callback");
        stack.stopWorker();
        report(bump, CallbackStatus.SUCCEEDED);
        // The update scheduled a workflow task that no worker takes: the callback waits at Temporal, nothing changed.
        awaitLastEvent(runId, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, "the callback reaches Temporal");
        assertEquals("dispatched", stepStatus("replace-callbacks", "alpha", 0));
        stack.startWorker();

        Execution merge = nextStep(runId);
        assertEquals("merge", merge.step().step().name());
        assertEquals("succeeded", stepStatus("replace-callbacks", "alpha", 0));
        awaitLastEvent(runId, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, "the run waits for merge's callback");
        stack.stopWorker();
        stack.startWorker();
        report(merge, CallbackStatus.MERGED);

        Execution verify = nextStep(runId);
        assertEquals("verify", verify.step().step().name());
        report(verify, CallbackStatus.SUCCEEDED);
        awaitStatus("replace-callbacks", "alpha", "completed");

        JsonNode steps = get("/migrations/replace-callbacks/candidates/alpha/steps");
        assertEquals("completed", steps.get("runStatus").asText());
        List<String> statuses = new ArrayList<>();
        for (JsonNode step : steps.get("steps")) {
            statuses.add(step.get("status").asText());
            assertEquals(1, step.get("dispatches").asInt(), step.toString());
        }
        assertEquals(List.of("succeeded", "merged", "succeeded"), statuses);
        assertExecutedOnce(runId, List.of("bump", "merge", "verify"));
        assertEquals(Map.of("bump", 1, "merge", 1, "verify", 1), published(runId), "each step event was published once");
    }

    /**
     * The worker dies in the middle of dispatching a step: the step event is out (the migrator executes it)
     * but the activity's completion never reaches Temporal. The migrator's callback arrives meanwhile. The
     * next worker takes the callback at once and, after the activity's start-to-close timeout, dispatches
     * again: the same event, which the migrator recognises and does not execute a second time.
     */
    @Test
    void aWorkerThatDiesWhileDispatchingIsReplacedAndTheStepRunsOnce() throws Exception {
        announceAndDiscover("replace-dispatch", List.of("bump", "verify"), List.of("beta"));
        CountDownLatch secondPublished = new CountDownLatch(1);
        stack.startWorker(hangingAfterPublish(stack.daprClient(), 2, secondPublished));
        String runId = start("replace-dispatch", "beta");

        report(nextStep(runId), CallbackStatus.SUCCEEDED);
        Execution verify = nextStep(runId);
        assertEquals("verify", verify.step().step().name());
        assertTrue(secondPublished.await(10, TimeUnit.SECONDS), "the dying worker published verify");
        stack.stopWorker();
        report(verify, CallbackStatus.SUCCEEDED);
        stack.startWorker();

        awaitStatus("replace-dispatch", "beta", "completed");
        JsonNode steps = get("/migrations/replace-dispatch/candidates/beta/steps");
        assertEquals("completed", steps.get("runStatus").asText());
        for (JsonNode step : steps.get("steps")) {
            assertEquals("succeeded", step.get("status").asText(), step.toString());
            assertEquals(1, step.get("dispatches").asInt(), "the redone dispatch is the same dispatch: " + step);
        }
        assertExecutedOnce(runId, List.of("bump", "verify"));
        assertEquals(Map.of("bump", 1, "verify", 2), published(runId),
                     "the new worker published verify again, and the migrator took it for what it was");
    }

    /**
     * The stack's Dapr client, except that its {@code publish}-th step event is published and then never
     * acknowledged to the activity, which therefore hangs until the worker is stopped: a pod that dies
     * between publishing and reporting the activity done.
     */
    private static DaprClient hangingAfterPublish(DaprClient dapr, int publish, CountDownLatch published) {
        AtomicInteger publishes = new AtomicInteger();
        return (DaprClient) Proxy.newProxyInstance(DaprClient.class.getClassLoader(), new Class<?>[]{DaprClient.class},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(dapr, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("publishEvent") && args.length == 1 && args[0] instanceof PublishEventRequest
                            && publishes.incrementAndGet() == publish) {
                        return ((Mono<?>) result).then(Mono.fromRunnable(published::countDown)).then(Mono.never());
                    }
                    return result;
                });
    }

    private static void assertExecutedOnce(String runId, List<String> steps) {
        for (String step : steps) {
            AtomicInteger count = executions.get(runId + "/" + step);
            assertNotNull(count, step + " was never executed");
            assertEquals(1, count.get(), step + " executed by the migrator");
        }
        assertTrue(executed.stream().noneMatch(e -> e.step().runId().equals(runId)), "no further step of the run reached the migrator");
    }

    /** How many step events of the run were published through Dapr, per step: read from the stand-in's topic stream. */
    private static Map<String, Integer> published(String runId) {
        Map<String, Integer> counts = new TreeMap<>();
        String topic = stack.state().keys().prefix() + "local:dapr:" + LocalStack.PUBSUB + ":" + StepEvent.TOPIC;
        for (StreamEntry entry : redis.xrange(topic, "-", "+")) {
            JsonNode event = Json.read(entry.getFields().get("event").getBytes(StandardCharsets.UTF_8), JsonNode.class);
            if (event.get("id").asText().startsWith(runId + "/")) {
                counts.merge(event.get("data").get("step").get("name").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * Waits until the run's Temporal history ends with {@code type}: a completed workflow task means the
     * run waits with nothing in flight (no activity, no workflow task a dying worker could take along).
     */
    private static void awaitLastEvent(String runId, EventType type, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<HistoryEvent> events = stack.workflowClient().fetchHistory(runId).getEvents();
            if (events.get(events.size() - 1).getEventType() == type) {
                return;
            }
            assertTrue(System.nanoTime() < until, "timed out waiting until " + what + " (history ends with "
                    + events.get(events.size() - 1).getEventType() + ")");
            Thread.sleep(50);
        }
    }

    private static String stepStatus(String migrationId, String candidate, int step) throws Exception {
        return get("/migrations/" + migrationId + "/candidates/" + candidate + "/steps").get("steps").get(step).get("status").asText();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve(path)).build(),
                                                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200 ? Json.mapper().readTree(answer.body()) : null;
    }

    private static HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve(path)).header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static void announceAndDiscover(String migrationId, List<String> steps, List<String> candidates) throws Exception {
        List<Step> definition = steps.stream().map(name -> new Step(name, "", MIGRATOR, "test", Map.of())).toList();
        Announcements.publish(stack.daprClient(), new Migration(migrationId, "Replacement " + migrationId, "", List.of(), definition, List.of()));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (get("/migrations/" + migrationId) == null) {
            assertTrue(System.nanoTime() < until, "timed out waiting for the announcement of " + migrationId);
            Thread.sleep(50);
        }
        List<DiscoveredCandidate> discovered = candidates.stream()
                .map(id -> new DiscoveredCandidate(id, "app", Map.of(), List.of(), List.of())).toList();
        assertEquals(200, post("/migrations/" + migrationId + "/candidates", discovered).statusCode());
    }

    private static String start(String migrationId, String candidate) throws Exception {
        HttpResponse<String> answer = post("/migrations/" + migrationId + "/candidates/" + candidate + "/start", Map.of());
        assertEquals(202, answer.statusCode(), answer.body());
        return Json.mapper().readTree(answer.body()).get("runId").asText();
    }

    /** The next step of this run the migrator executed (others are put back). */
    private static Execution nextStep(String runId) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        List<Execution> others = new ArrayList<>();
        try {
            while (System.nanoTime() < until) {
                Execution event = executed.poll(100, TimeUnit.MILLISECONDS);
                if (event != null && event.step().runId().equals(runId)) {
                    return event;
                }
                if (event != null) {
                    others.add(event);
                }
            }
        } finally {
            executed.addAll(others);
        }
        throw new AssertionError("no step of " + runId + " reached the migrator");
    }

    private static void report(Execution execution, CallbackStatus status) {
        execution.result().complete(new StepResult(status, Map.of("by", "replacement"), status.wire()));
    }

    private static String status(String migrationId, String candidate) throws Exception {
        JsonNode node = get("/migrations/" + migrationId + "/candidates/" + candidate);
        assertNotNull(node);
        return node.get("status").asText();
    }

    private static void awaitStatus(String migrationId, String candidate, String status) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!status.equals(status(migrationId, candidate))) {
            assertTrue(System.nanoTime() < until, "timed out waiting for " + candidate + " to be " + status
                    + " (is " + status(migrationId, candidate) + ")");
            Thread.sleep(50);
        }
    }
}
