package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Role;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.local.stack.ScriptedMigrator.Execution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end through the local stack, over real sockets only: a real DaprClient announces through the
 * Dapr stand-in, candidates are submitted and started over HTTP, each step goes workflow → Dapr
 * stand-in (gRPC) → step relay → broker stand-in → a migrator over HTTP, and the migrator calls back
 * over HTTP; runs execute on Temporal's port-bound server, state is the machine's Redis.
 */
class LocalStackTest {
    private static final String MIGRATOR = "test-migrator";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Covers a worker replaced mid-activity: Temporal hands the lost activity on after its 15 s timeout. */
    private static final Duration STEP_PATIENCE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalStack stack;
    private static StackApi api;
    private static ScriptedMigrator migrator;

    @BeforeAll
    static void start() {
        stack = TestStacks.withoutDemo();
        api = new StackApi(stack);
        migrator = ScriptedMigrator.join(stack, MIGRATOR);
    }

    @AfterAll
    static void stop() {
        migrator.close();
        TestStacks.stop(stack);
    }

    private static Execution nextStep(String runId) throws InterruptedException {
        return migrator.nextStep(runId, STEP_PATIENCE);
    }

    private static void report(Execution execution, CallbackStatus status) {
        execution.report(status, "e2e");
    }

    /**
     * The API listens (and serves, with a token) before {@code ./drover up} has written {@code .drover/local.env}; a
     * script that waits for readiness and then runs {@code ./drover token} must not get there first. Only this test
     * marks the stack ready.
     */
    @Test
    void theApiAnswersReadyOnlyOnceTheStackIsMarkedReady() throws Exception {
        URI ready = stack.apiUri().resolve("/observe/health/ready");
        assertEquals(503, HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
                     "ready before ./drover up has written local.env");
        stack.markReady();
        int after = HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(2, after / 100, "ready (204, health without details) once marked: " + after);
    }

    /**
     * temporal-test-server does not implement Temporal's worker heartbeats, and the SDK logged a WARNING saying so at
     * every {@code ./drover up}, as its first heartbeat went out when the worker started. A worker on the embedded server
     * sends none.
     */
    @Test
    void aWorkerOnTheEmbeddedServerSendsNoWorkerHeartbeats() throws Exception {
        Logger sdk = Logger.getLogger("io.temporal.internal.worker.HeartbeatManager");
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        sdk.addHandler(handler);
        try {
            stack.startWorker();
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (warnings.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), warnings, "the SDK's warnings about worker heartbeats");
        } finally {
            sdk.removeHandler(handler);
        }
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
            Announcements.publish(stack, app, new Migration("e2e-dead-letter", "E2E dead letter", "", List.of(),
                    List.of(new Step("bump", "", app, "test", Map.of())), List.of()));
            api.await("the announcement", "/migrations/e2e-dead-letter", Duration.ofSeconds(20), m -> true);
            assertEquals(200, api.post("/migrations/e2e-dead-letter/candidates",
                                   List.of(new DiscoveredCandidate("alpha", "app", Map.of(), List.of(), List.of()))).statusCode());
            api.start("e2e-dead-letter", "alpha");

            api.awaitStatus("e2e-dead-letter", "alpha", "failed", PATIENCE);
            JsonNode step = api.get("/migrations/e2e-dead-letter/candidates/alpha/steps").get("steps").get(0);
            assertEquals("failed", step.get("status").asText());
            String message = step.get("message").asText();
            assertTrue(message.contains("never reached refusing-migrator") && message.contains("HTTP 400"), message);
        } finally {
            refusing.stop(0);
        }
    }

    /** The console in the stack calls the stack's own API (its DROVER_API_URL) with the person's token. */
    @Test
    void theConsoleShowsTheStacksMigrationsToAPersonSignedInWithTheCookie() throws Exception {
        api.announceAndDiscover(MIGRATOR, "e2e-console", List.of("bump"), List.of("one", "two"));
        String viewer = stack.issuer().userToken("vic", Role.VIEWER);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve("/console/migrations/e2e-console"))
                                                      .header("Accept", "text/html").header("Cookie", "drover_session=" + viewer).build(),
                                              HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("data-candidate=\"one\"") && page.body().contains("data-candidate=\"two\""), page.body());
        assertTrue(page.body().contains("vic · viewer"), "who is signed in");
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve("/console/")).header("Accept", "text/html").build(),
                                                   HttpResponse.BodyHandlers.ofString());
        assertEquals(302, anonymous.statusCode());
        assertEquals("/console/sign-in?next=%2Fconsole%2F", anonymous.headers().firstValue("Location").orElse(""));
    }

    @Test
    void candidatesRunFromAnnouncementToCompletion() throws Exception {
        api.announceAndDiscover(MIGRATOR, "e2e-happy", List.of("bump", "merge", "verify"), List.of("alpha", "beta", "gamma"));
        for (String candidate : List.of("alpha", "beta", "gamma")) {
            String runId = api.start("e2e-happy", candidate);
            List<String> seen = new ArrayList<>();
            for (int step = 0; step < 3; step++) {
                Execution event = nextStep(runId);
                seen.add(event.step().step().name());
                assertEquals(candidate, event.step().candidate().id());
                report(event, step == 1 ? CallbackStatus.MERGED : CallbackStatus.SUCCEEDED);
            }
            assertEquals(List.of("bump", "merge", "verify"), seen);
            api.awaitStatus("e2e-happy", candidate, "completed", PATIENCE);
        }
        JsonNode counts = api.get("/migrations/e2e-happy").get("candidates");
        assertEquals(3, counts.get("byStatus").get("completed").asLong());
        JsonNode steps = api.get("/migrations/e2e-happy/candidates/beta/steps");
        assertEquals("merged", steps.get("steps").get(1).get("status").asText());
        assertEquals("e2e", steps.get("steps").get(2).get("metadata").get("by").asText());
    }

    @Test
    void aFailedStepIsRetriedAndACancelledRunCanStartAgain() throws Exception {
        api.announceAndDiscover(MIGRATOR, "e2e-operate", List.of("bump", "verify"), List.of("retry-me", "cancel-me"));
        String runId = api.start("e2e-operate", "retry-me");
        Execution first = nextStep(runId);
        report(first, CallbackStatus.FAILED);
        api.awaitStatus("e2e-operate", "retry-me", "failed", PATIENCE);
        assertEquals(202, api.post("/migrations/e2e-operate/candidates/retry-me/retry-step", Map.of()).statusCode());
        Execution again = nextStep(runId);
        assertEquals("bump", again.step().step().name());
        report(again, CallbackStatus.SUCCEEDED);
        report(nextStep(runId), CallbackStatus.SUCCEEDED);
        api.awaitStatus("e2e-operate", "retry-me", "completed", PATIENCE);
        JsonNode retried = api.get("/migrations/e2e-operate/candidates/retry-me/steps");
        assertEquals(2, retried.get("steps").get(0).get("dispatches").asInt(), "the failed step was dispatched again");
        assertEquals(1, retried.get("steps").get(1).get("dispatches").asInt());

        String cancelled = api.start("e2e-operate", "cancel-me");
        Execution pending = nextStep(cancelled);
        report(pending, CallbackStatus.PENDING);
        HttpResponse<String> cancel = api.post("/migrations/e2e-operate/candidates/cancel-me/cancel", Map.of());
        assertEquals(200, cancel.statusCode(), cancel.body());
        assertEquals("not_started", api.get("/migrations/e2e-operate/candidates/cancel-me").get("status").asText());
        String second = api.start("e2e-operate", "cancel-me");
        Execution fresh = nextStep(second);
        assertTrue(!fresh.step().runId().equals(cancelled), "the second start is a new run");
        report(fresh, CallbackStatus.SUCCEEDED);
        report(nextStep(second), CallbackStatus.SUCCEEDED);
        api.awaitStatus("e2e-operate", "cancel-me", "completed", PATIENCE);
        assertEquals(2, api.get("/migrations/e2e-operate/candidates/cancel-me/steps").get("attempt").asInt());
    }

    /** A POST by operator {@code actor} (with a token of the stack's issuer); a header claiming someone else counts for nothing. */
    private static HttpResponse<String> postAs(String actor, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(stack.apiUri().resolve(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + stack.issuer().userToken(actor, Role.OPERATOR))
                .header("X-Forwarded-User", "mallory")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
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
        api.announceAndDiscover(MIGRATOR, m, List.of("bump", "verify"), List.of("one", "two", "three"));
        // one: bump fails, bob retries it, then both steps finish
        String one = startAs("ann", m, "one");
        report(nextStep(one), CallbackStatus.FAILED);
        api.awaitStatus(m, "one", "failed", PATIENCE);
        assertEquals(202, postAs("bob", "/migrations/" + m + "/candidates/one/retry-step").statusCode());
        report(nextStep(one), CallbackStatus.SUCCEEDED);
        report(nextStep(one), CallbackStatus.MERGED);
        api.awaitStatus(m, "one", "completed", PATIENCE);
        // two: straight through
        String two = startAs("ann", m, "two");
        report(nextStep(two), CallbackStatus.SUCCEEDED);
        report(nextStep(two), CallbackStatus.SUCCEEDED);
        api.awaitStatus(m, "two", "completed", PATIENCE);
        // three: started by dave, cancelled by carol while its first step is pending
        String three = startAs("dave", m, "three");
        report(nextStep(three), CallbackStatus.PENDING);
        api.await("three pending", "/migrations/" + m + "/candidates/three/steps", Duration.ofSeconds(20),
                  steps -> "pending".equals(steps.get("steps").get(0).get("status").asText()));
        assertEquals(200, postAs("carol", "/migrations/" + m + "/candidates/three/cancel").statusCode());

        // What the run state (Redis) says was dispatched, summed over every candidate's steps...
        int dispatchedPerRedis = 0;
        for (String candidate : List.of("one", "two", "three")) {
            for (JsonNode step : api.get("/migrations/" + m + "/candidates/" + candidate + "/steps").get("steps")) {
                dispatchedPerRedis += step.get("dispatches").asInt();
            }
        }
        // ...is what the history counted.
        assertTrue(stack.awaitHistory(PATIENCE), "the history writer caught up");
        JsonNode totals = api.get("/history/totals?migration=" + m);
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
        assertEquals(api.get("/migrations/" + m).at("/candidates/byStatus/completed").asInt(), totals.at("/runs/completed").asInt());

        JsonNode steps = api.get("/history/steps?migration=" + m).get("items");
        assertEquals("bump", steps.get(0).get("step").asText());
        assertEquals(3, steps.get(0).get("count").asInt());
        assertEquals(1.0 / 3, steps.get(0).get("failureRate").asDouble(), 1e-9);
        assertEquals("verify", steps.get(1).get("step").asText());
        assertEquals(2, steps.get(1).get("count").asInt());
        assertEquals(0.0, steps.get(1).get("failureRate").asDouble());

        JsonNode failures = api.get("/history/failures?migration=" + m).get("items");
        assertEquals(1, failures.size());
        assertEquals("one", failures.get(0).get("candidateId").asText());
        assertEquals(one, failures.get(0).get("runId").asText());
        assertEquals("failed", failures.get(0).get("message").asText());
        assertEquals("e2e", failures.get(0).at("/metadata/by").asText());

        JsonNode burndown = api.get("/history/burndown?bucket=hour&migration=" + m);
        JsonNode now = burndown.get("points").get(burndown.get("points").size() - 1);
        assertEquals(2, now.get("cumulative").asInt());
        assertEquals(1, now.get("remaining").asInt());

        List<String> audit = new ArrayList<>();
        for (JsonNode entry : api.get("/history/audit?migration=" + m).get("items")) {
            audit.add(entry.get("actor").asText() + " " + entry.get("action").asText() + " " + entry.get("candidateId").asText());
            assertEquals("127.0.0.1", entry.get("source").asText());
        }
        assertEquals(List.of("carol cancel three", "dave start three", "ann start two", "bob retry-step one", "ann start one"), audit);
        assertEquals(three, api.get("/history/audit?migration=" + m + "&actor=carol").get("items").get(0).get("runId").asText());
    }
}
