package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.run.StepEvent;
import dev.drover.local.stack.ScriptedMigrator.Execution;
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

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run worker dies mid-run, as a crashed pod, and a new one takes over: through the local stack over
 * real sockets (HTTP, gRPC to the in-process Temporal server and the Dapr stand-in, Redis), with a
 * migrator on the SDK. Each run must complete, every step executed once by the migrator.
 */
class WorkerReplacementTest {
    private static final String MIGRATOR = "replacement-migrator";
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static LocalStack stack;
    private static StackApi api;
    private static ScriptedMigrator migrator;
    private static RedisClient redis;

    @BeforeAll
    static void start() {
        String redisUrl = System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL);
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", redisUrl,
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        stack = LocalStack.start(LocalStackSettings.ephemeral(functions, FreePort.pick()).withoutDemo());
        api = new StackApi(stack);
        redis = RedisClient.create(URI.create(redisUrl));
        migrator = ScriptedMigrator.join(stack, MIGRATOR);
    }

    @AfterAll
    static void stop() {
        migrator.close();
        stack.close();
        redis.close();
        StackKeys.drop(stack.state());
    }

    private static Execution nextStep(String runId) throws InterruptedException {
        return migrator.nextStep(runId, PATIENCE);
    }

    private static void report(Execution execution, CallbackStatus status) {
        execution.report(status, "replacement");
    }

    /**
     * The worker dies while the run waits for the migrator; the migrator's callback arrives while no worker
     * runs (a Temporal update that nobody can run yet). The next worker takes it and the run goes on. Then
     * the same between two steps, and the run completes.
     */
    @Test
    void aCallbackThatArrivesWhileNoWorkerRunsIsTakenByTheNextWorker() throws Exception {
        api.announceAndDiscover(MIGRATOR, "replace-callbacks", List.of("bump", "merge", "verify"), List.of("alpha"));
        String runId = api.start("replace-callbacks", "alpha");

        Execution bump = nextStep(runId);
        assertEquals("bump", bump.step().step().name());
        awaitWaiting(runId, "the run waits for bump's callback");
        stack.stopWorker();
        report(bump, CallbackStatus.SUCCEEDED);
        // The update scheduled a workflow task that no worker takes: the callback waits at Temporal, nothing changed.
        awaitLastEvent(runId, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, "the callback reaches Temporal");
        assertEquals("dispatched", api.stepStatus("replace-callbacks", "alpha", 0));
        stack.startWorker();

        Execution merge = nextStep(runId);
        assertEquals("merge", merge.step().step().name());
        assertEquals("succeeded", api.stepStatus("replace-callbacks", "alpha", 0));
        awaitWaiting(runId, "the run waits for merge's callback");
        stack.stopWorker();
        stack.startWorker();
        report(merge, CallbackStatus.MERGED);

        Execution verify = nextStep(runId);
        assertEquals("verify", verify.step().step().name());
        report(verify, CallbackStatus.SUCCEEDED);
        api.awaitStatus("replace-callbacks", "alpha", "completed", PATIENCE);

        JsonNode steps = api.get("/migrations/replace-callbacks/candidates/alpha/steps");
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
        api.announceAndDiscover(MIGRATOR, "replace-dispatch", List.of("bump", "verify"), List.of("beta"));
        CountDownLatch secondPublished = new CountDownLatch(1);
        stack.startWorker(hangingAfterPublish(stack.daprClient(), 2, secondPublished));
        String runId = api.start("replace-dispatch", "beta");

        report(nextStep(runId), CallbackStatus.SUCCEEDED);
        Execution verify = nextStep(runId);
        assertEquals("verify", verify.step().step().name());
        assertTrue(secondPublished.await(10, TimeUnit.SECONDS), "the dying worker published verify");
        stack.stopWorker();
        report(verify, CallbackStatus.SUCCEEDED);
        stack.startWorker();

        api.awaitStatus("replace-dispatch", "beta", "completed", PATIENCE);
        JsonNode steps = api.get("/migrations/replace-dispatch/candidates/beta/steps");
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
            assertEquals(1, migrator.executions(runId, step), step + " executed by the migrator");
        }
        assertTrue(!migrator.hasUntaken(runId), "no further step of the run reached the migrator");
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
        awaitLastEvent(runId, java.util.Set.of(type), what);
    }

    /**
     * Waits until the run waits for a callback with nothing in flight: its history ends with a completed workflow task,
     * or with the step's deadline timer that task started (every step has a deadline: DROVER_STEP_DEADLINE).
     */
    private static void awaitWaiting(String runId, String what) throws InterruptedException {
        awaitLastEvent(runId, java.util.Set.of(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_TIMER_STARTED), what);
    }

    private static void awaitLastEvent(String runId, java.util.Set<EventType> types, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<HistoryEvent> events = stack.workflowClient().fetchHistory(runId).getEvents();
            if (types.contains(events.get(events.size() - 1).getEventType())) {
                return;
            }
            assertTrue(System.nanoTime() < until, "timed out waiting until " + what + " (history ends with "
                    + events.get(events.size() - 1).getEventType() + ")");
            Thread.sleep(50);
        }
    }
}
