package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.core.json.Json;
import dev.drover.core.model.DiscoveredCandidate;
import dev.drover.core.model.Migration;
import dev.drover.core.model.Step;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepResult;
import dev.drover.core.run.CallbackStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end through the local stack, over real sockets only: a real DaprClient announces through the
 * Dapr stand-in, candidates are submitted and started over HTTP, each step goes workflow → Dapr
 * stand-in (gRPC) → step relay → broker stand-in → a migrator over HTTP, and the migrator calls back
 * over HTTP; runs execute on Temporal's port-bound server, state is the machine's Redis.
 */
class LocalStackTest {
    private static final String MIGRATOR = "test-migrator";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalStack stack;
    private static Migrator migrator;
    /** Steps as the migrator executes them (redeliveries are not executed again); each waits for the test's verdict. */
    private static final BlockingQueue<Execution> executed = new LinkedBlockingQueue<>();

    /** One step the SDK is executing: its handler returns what the test reports. */
    private record Execution(StepContext step, CompletableFuture<StepResult> result) {
    }

    @BeforeAll
    static void start() throws IOException {
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        stack = LocalStack.start(LocalStackSettings.ephemeral(functions, freePort()).withoutDemo());
        // A migrator on the SDK whose one step type waits for the test to decide what each step reports.
        migrator = Migrator.builder(MIGRATOR, new Migration("e2e-unused", "unused", "", List.of(),
                                                            List.of(new Step("unused", "", MIGRATOR, "test", Map.of())), List.of()))
                .step("test", step -> {
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
        StackKeys.drop(stack.state());
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

    private static <T> T await(String what, Duration patience, Check<T> check) throws Exception {
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            T value = check.value();
            if (value != null) {
                return value;
            }
            assertTrue(System.nanoTime() < until, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private interface Check<T> {
        T value() throws Exception;
    }

    /** Announces a migration through Dapr and waits until the platform has stored it; then submits candidates. */
    private static void announceAndDiscover(String migrationId, List<String> steps, List<String> candidates) throws Exception {
        List<Step> definition = steps.stream().map(name -> new Step(name, "", MIGRATOR, "test", Map.of())).toList();
        Announcements.publish(stack.daprClient(), new Migration(migrationId, "E2E " + migrationId, "", List.of(), definition, List.of()));
        await("announcement of " + migrationId, Duration.ofSeconds(20), () -> get("/migrations/" + migrationId));
        List<DiscoveredCandidate> discovered = candidates.stream()
                .map(id -> new DiscoveredCandidate(id, "app", Map.of(), List.of(), List.of())).toList();
        assertEquals(200, post("/migrations/" + migrationId + "/candidates", discovered).statusCode());
    }

    private static String start(String migrationId, String candidate) throws Exception {
        HttpResponse<String> answer = post("/migrations/" + migrationId + "/candidates/" + candidate + "/start", Map.of());
        assertEquals(202, answer.statusCode(), answer.body());
        return Json.mapper().readTree(answer.body()).get("runId").asText();
    }

    /**
     * The next step event the migrator executed for this run (others are put back). The patience covers
     * a worker replaced mid-activity: Temporal hands the lost activity to the new worker after its
     * start-to-close timeout (15 s).
     */
    private static Execution nextStep(String runId) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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
        execution.result().complete(new StepResult(status, Map.of("by", "e2e"), status.wire()));
    }

    private static String status(String migrationId, String candidate) throws Exception {
        JsonNode node = get("/migrations/" + migrationId + "/candidates/" + candidate);
        assertNotNull(node);
        return node.get("status").asText();
    }

    private static void awaitStatus(String migrationId, String candidate, String status) throws Exception {
        await(candidate + " " + status, Duration.ofSeconds(30), () -> status.equals(status(migrationId, candidate)) ? true : null);
    }


    @Test
    void aStepItsMigratorRefusesIsDeadLetteredAndFailsWithTheReason() throws Exception {
        // a migrator that refuses every step event for good (400: the broker dead-letters it at once)
        com.sun.net.httpserver.HttpServer refusing = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        refusing.createContext("/", exchange -> {
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
        });
        refusing.start();
        try {
            String app = "refusing-migrator";
            stack.addMigrator(app, URI.create("http://127.0.0.1:" + refusing.getAddress().getPort() + "/steps"));
            Announcements.publish(stack.daprClient(), new Migration("e2e-dead-letter", "E2E dead letter", "", List.of(),
                    List.of(new Step("bump", "", app, "test", Map.of())), List.of()));
            await("announcement", Duration.ofSeconds(20), () -> get("/migrations/e2e-dead-letter"));
            assertEquals(200, post("/migrations/e2e-dead-letter/candidates",
                                   List.of(new DiscoveredCandidate("alpha", "app", Map.of(), List.of(), List.of()))).statusCode());
            start("e2e-dead-letter", "alpha");

            awaitStatus("e2e-dead-letter", "alpha", "failed");
            JsonNode step = get("/migrations/e2e-dead-letter/candidates/alpha/steps").get("steps").get(0);
            assertEquals("failed", step.get("status").asText());
            String message = step.get("message").asText();
            assertTrue(message.contains("never reached refusing-migrator") && message.contains("HTTP 400"), message);
        } finally {
            refusing.stop(0);
        }
    }

    @Test
    void candidatesRunFromAnnouncementToCompletion() throws Exception {
        announceAndDiscover("e2e-happy", List.of("bump", "merge", "verify"), List.of("alpha", "beta", "gamma"));
        for (String candidate : List.of("alpha", "beta", "gamma")) {
            String runId = start("e2e-happy", candidate);
            List<String> seen = new ArrayList<>();
            for (int step = 0; step < 3; step++) {
                Execution event = nextStep(runId);
                seen.add(event.step().step().name());
                assertEquals(candidate, event.step().candidate().id());
                report(event, step == 1 ? CallbackStatus.MERGED : CallbackStatus.SUCCEEDED);
            }
            assertEquals(List.of("bump", "merge", "verify"), seen);
            awaitStatus("e2e-happy", candidate, "completed");
        }
        JsonNode counts = get("/migrations/e2e-happy").get("candidates");
        assertEquals(3, counts.get("byStatus").get("completed").asLong());
        JsonNode steps = get("/migrations/e2e-happy/candidates/beta/steps");
        assertEquals("merged", steps.get("steps").get(1).get("status").asText());
        assertEquals("e2e", steps.get("steps").get(2).get("metadata").get("by").asText());
    }

    @Test
    void aFailedStepIsRetriedAndACancelledRunCanStartAgain() throws Exception {
        announceAndDiscover("e2e-operate", List.of("bump", "verify"), List.of("retry-me", "cancel-me"));
        String runId = start("e2e-operate", "retry-me");
        Execution first = nextStep(runId);
        report(first, CallbackStatus.FAILED);
        awaitStatus("e2e-operate", "retry-me", "failed");
        assertEquals(202, post("/migrations/e2e-operate/candidates/retry-me/retry-step", Map.of()).statusCode());
        Execution again = nextStep(runId);
        assertEquals("bump", again.step().step().name());
        report(again, CallbackStatus.SUCCEEDED);
        report(nextStep(runId), CallbackStatus.SUCCEEDED);
        awaitStatus("e2e-operate", "retry-me", "completed");
        JsonNode retried = get("/migrations/e2e-operate/candidates/retry-me/steps");
        assertEquals(2, retried.get("steps").get(0).get("dispatches").asInt(), "the failed step was dispatched again");
        assertEquals(1, retried.get("steps").get(1).get("dispatches").asInt());

        String cancelled = start("e2e-operate", "cancel-me");
        Execution pending = nextStep(cancelled);
        report(pending, CallbackStatus.PENDING);
        HttpResponse<String> cancel = post("/migrations/e2e-operate/candidates/cancel-me/cancel", Map.of());
        assertEquals(200, cancel.statusCode(), cancel.body());
        assertEquals("not_started", status("e2e-operate", "cancel-me"));
        String second = start("e2e-operate", "cancel-me");
        Execution fresh = nextStep(second);
        assertTrue(!fresh.step().runId().equals(cancelled), "the second start is a new run");
        report(fresh, CallbackStatus.SUCCEEDED);
        report(nextStep(second), CallbackStatus.SUCCEEDED);
        awaitStatus("e2e-operate", "cancel-me", "completed");
        assertEquals(2, get("/migrations/e2e-operate/candidates/cancel-me/steps").get("attempt").asInt());
    }

    private static HttpResponse<String> postAs(String actor, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.apiUri().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (actor != null) {
            request.header("X-Forwarded-User", actor);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String startAs(String actor, String migrationId, String candidate) throws Exception {
        HttpResponse<String> answer = postAs(actor, "/migrations/" + migrationId + "/candidates/" + candidate + "/start");
        assertEquals(202, answer.statusCode(), answer.body());
        return Json.mapper().readTree(answer.body()).get("runId").asText();
    }

    @Test
    void theHistoryAndItsMetricsMatchWhatTheRunsDid() throws Exception {
        String m = "e2e-history";
        announceAndDiscover(m, List.of("bump", "verify"), List.of("one", "two", "three"));
        // one: bump fails, bob retries it, then both steps finish
        String one = startAs("ann", m, "one");
        report(nextStep(one), CallbackStatus.FAILED);
        awaitStatus(m, "one", "failed");
        assertEquals(202, postAs("bob", "/migrations/" + m + "/candidates/one/retry-step").statusCode());
        report(nextStep(one), CallbackStatus.SUCCEEDED);
        report(nextStep(one), CallbackStatus.MERGED);
        awaitStatus(m, "one", "completed");
        // two: straight through
        String two = startAs("ann", m, "two");
        report(nextStep(two), CallbackStatus.SUCCEEDED);
        report(nextStep(two), CallbackStatus.SUCCEEDED);
        awaitStatus(m, "two", "completed");
        // three: started without the proxy's header, cancelled by carol while its first step is pending
        String three = startAs(null, m, "three");
        report(nextStep(three), CallbackStatus.PENDING);
        await("three pending", Duration.ofSeconds(20), () -> "pending".equals(
                get("/migrations/" + m + "/candidates/three/steps").get("steps").get(0).get("status").asText()) ? true : null);
        assertEquals(200, postAs("carol", "/migrations/" + m + "/candidates/three/cancel").statusCode());

        // What the run state (Redis) says was dispatched, summed over every candidate's steps...
        int dispatchedPerRedis = 0;
        for (String candidate : List.of("one", "two", "three")) {
            for (JsonNode step : get("/migrations/" + m + "/candidates/" + candidate + "/steps").get("steps")) {
                dispatchedPerRedis += step.get("dispatches").asInt();
            }
        }
        // ...is what the history counted.
        JsonNode totals = get("/history/totals?migration=" + m);
        assertEquals(6, dispatchedPerRedis);
        assertEquals(dispatchedPerRedis, totals.at("/steps/dispatched").asInt(), totals.toString());
        assertEquals(3, totals.at("/runs/started").asInt());
        assertEquals(2, totals.at("/runs/completed").asInt());
        assertEquals(1, totals.at("/runs/cancelled").asInt());
        assertEquals(0, totals.at("/runs/active").asInt());
        assertEquals(1, totals.at("/steps/retried").asInt());
        assertEquals(3, totals.at("/steps/succeeded").asInt()); // one's retried bump, two's bump and verify
        assertEquals(1, totals.at("/steps/merged").asInt());
        assertEquals(1, totals.at("/steps/failed").asInt());
        assertEquals(3, totals.at("/candidates/added").asInt());
        assertEquals(get("/migrations/" + m).at("/candidates/byStatus/completed").asInt(), totals.at("/runs/completed").asInt());

        JsonNode steps = get("/history/steps?migration=" + m).get("items");
        assertEquals("bump", steps.get(0).get("step").asText());
        assertEquals(3, steps.get(0).get("count").asInt());
        assertEquals(1.0 / 3, steps.get(0).get("failureRate").asDouble(), 1e-9);
        assertEquals("verify", steps.get(1).get("step").asText());
        assertEquals(2, steps.get(1).get("count").asInt());
        assertEquals(0.0, steps.get(1).get("failureRate").asDouble());

        JsonNode failures = get("/history/failures?migration=" + m).get("items");
        assertEquals(1, failures.size());
        assertEquals("one", failures.get(0).get("candidateId").asText());
        assertEquals(one, failures.get(0).get("runId").asText());
        assertEquals("failed", failures.get(0).get("message").asText());
        assertEquals("e2e", failures.get(0).at("/metadata/by").asText());

        JsonNode burndown = get("/history/burndown?bucket=hour&migration=" + m);
        JsonNode now = burndown.get("points").get(burndown.get("points").size() - 1);
        assertEquals(2, now.get("cumulative").asInt());
        assertEquals(1, now.get("remaining").asInt());

        List<String> audit = new ArrayList<>();
        for (JsonNode entry : get("/history/audit?migration=" + m).get("items")) {
            audit.add(entry.get("actor").asText() + " " + entry.get("action").asText() + " " + entry.get("candidateId").asText());
            assertEquals("127.0.0.1", entry.get("source").asText());
        }
        assertEquals(List.of("carol cancel three", "anonymous start three", "ann start two", "bob retry-step one", "ann start one"), audit);
        assertEquals(three, get("/history/audit?migration=" + m + "&actor=carol").get("items").get(0).get("runId").asText());
    }
}
