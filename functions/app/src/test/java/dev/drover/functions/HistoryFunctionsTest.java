package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.core.auth.Role;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history functions over real HTTP: operator actions through the run functions (with the auth
 * proxy's headers) and real runs on Temporal's test server, then the metrics and audit log read back.
 * Every response is checked against schemas/openapi.yaml by {@link Api}.
 */
@ServerTest
class HistoryFunctionsTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));

    private final Api api;

    HistoryFunctionsTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, RUNS.platform);
    }

    @AfterAll
    static void close() {
        RUNS.close();
        TestState.drop(STATE);
    }

    private void migration(String migrationId, String... candidates) {
        Migration migration = Fixtures.migration(migrationId);
        STATE.migrations().announce(new Migration(migrationId, migration.name(), "", List.of(), migration.steps(),
                                                  List.of(new Input("target-version", "Target version", ""))), "test-migrator");
        List<Map<String, Object>> batch = new ArrayList<>();
        for (String c : candidates) {
            batch.add(Map.of("id", c, "kind", "application"));
        }
        assertEquals(200, api.postJson("/migrations/" + migrationId + "/candidates", batch).status());
    }

    /**
     * A request by operator {@code actor} through a proxy the platform trusts (loopback in the tests), which says the
     * client was 203.0.113.7; the client's own claim in the header (198.51.100.9) and its X-Forwarded-User count for nothing.
     */
    private Api.Reply as(String actor, Method method, String path, String body) {
        return api.as(TestTrust.ISSUER.userToken(actor, Role.OPERATOR))
                .send(method, path, Map.of("Content-Type", "application/json", "X-Forwarded-User", "mallory",
                                           "X-Forwarded-For", "198.51.100.9, 203.0.113.7"),
                      body == null ? null : body.getBytes());
    }

    private void callback(StepEvent event, String status, String message) {
        Api.Reply reply = api.as(TestTrust.migrator("app-chart-migrator")).postJson("/event/" + event.runId(), Map.of("stepName", event.step().name(), "dispatch", event.dispatch(),
                                                                         "status", status, "metadata", Map.of(), "message", message,
                                                                         "token", event.callback().token()));
        assertEquals(200, reply.status(), reply.body());
    }

    private void awaitCandidate(String path, String status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!api.get(path).json().get("status").asText().equals(status)) {
            assertTrue(System.nanoTime() < until, path + " never became " + status);
            Thread.sleep(20);
        }
    }

    @Test
    void metricsAndAuditLogTellWhatOperatorsAndRunsDid() throws Exception {
        migration("hist-fn", "alpha", "beta");
        String alpha = "/migrations/hist-fn/candidates/alpha";
        String beta = "/migrations/hist-fn/candidates/beta";

        // alpha: started by ann, first step fails, bob retries it, then everything succeeds.
        assertEquals(202, as("ann", Method.POST, alpha + "/start", "{\"inputs\":{\"target-version\":\"3.1.0\"}}").status());
        StepEvent first = RUNS.nextEvent();
        callback(first, "failed", "merge conflict in values.yaml");
        awaitCandidate(alpha, "failed");
        assertEquals(202, as("bob", Method.POST, alpha + "/retry-step", null).status());
        StepEvent retried = RUNS.nextEvent();
        assertEquals(2, retried.dispatch());
        callback(retried, "succeeded", "");
        callback(RUNS.nextEvent(), "merged", "");
        awaitCandidate(alpha, "completed");

        // beta: started by bob, inputs edited by ann, cancelled by ann.
        assertEquals(202, as("bob", Method.POST, beta + "/start", "{\"inputs\":{\"target-version\":\"3.1.0\"}}").status());
        RUNS.nextEvent();
        assertEquals(200, as("ann", Method.PATCH, beta + "/inputs", "{\"target-version\":\"3.2.0\"}").status());
        assertEquals(200, as("ann", Method.POST, beta + "/cancel", null).status());

        TestPlatform.drain(RUNS.platform);
        JsonNode totals = api.get("/history/totals?migration=hist-fn").json();
        assertEquals(2, totals.at("/runs/started").asInt());
        assertEquals(1, totals.at("/runs/completed").asInt());
        assertEquals(1, totals.at("/runs/cancelled").asInt());
        assertEquals(0, totals.at("/runs/active").asInt());
        assertEquals(4, totals.at("/steps/dispatched").asInt());
        assertEquals(1, totals.at("/steps/retried").asInt());
        assertEquals(1, totals.at("/steps/failed").asInt());
        assertEquals(2, totals.at("/candidates/added").asInt());

        JsonNode burndown = api.get("/history/burndown?migration=hist-fn&bucket=hour").json();
        assertEquals(2, burndown.get("candidates").asInt());
        JsonNode last = burndown.get("points").get(burndown.get("points").size() - 1);
        assertEquals(1, last.get("completed").asInt());
        assertEquals(1, last.get("remaining").asInt());

        JsonNode steps = api.get("/history/steps?migration=hist-fn").json().get("items");
        assertEquals(2, steps.size());
        JsonNode bump = steps.get(1).get("step").asText().equals("bump-chart") ? steps.get(1) : steps.get(0);
        assertEquals(2, bump.get("count").asInt(), steps.toString());
        assertEquals(0.5, bump.get("failureRate").asDouble());

        JsonNode failures = api.get("/history/failures?migration=hist-fn").json().get("items");
        assertEquals(1, failures.size());
        assertEquals("merge conflict in values.yaml", failures.get(0).get("message").asText());
        assertEquals("alpha", failures.get(0).get("candidateId").asText());

        JsonNode audit = api.get("/history/audit?migration=hist-fn").json();
        List<String> actions = new ArrayList<>();
        audit.get("items").forEach(e -> actions.add(e.get("actor").asText() + " " + e.get("action").asText() + " "
                                                           + e.get("candidateId").asText()));
        assertEquals(List.of("ann cancel beta", "ann inputs beta", "bob start beta", "bob retry-step alpha", "ann start alpha"), actions);
        JsonNode newest = audit.get("items").get(0);
        assertEquals("203.0.113.7", newest.get("source").asText());
        assertEquals("3.2.0", audit.get("items").get(1).at("/detail/target-version").asText());
        assertEquals(1, api.get("/history/audit?migration=hist-fn&actor=bob&action=retry-step").json().get("items").size());

        // paging: two at a time, in the same order
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/history/audit?migration=hist-fn&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(e -> paged.add(e.get("action").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertEquals(List.of("cancel", "inputs", "start", "retry-step", "start"), paged);
    }

    @Test
    void theActorIsWhoTheTokenProvesNotWhatAHeaderSays() throws Exception {
        migration("hist-anon", "gamma");
        assertEquals(200, api.as(TestTrust.ISSUER.userToken("otto", Role.OPERATOR))
                .send(Method.PATCH, "/migrations/hist-anon/candidates/gamma/inputs",
                      Map.of("Content-Type", "application/json", "X-Forwarded-User", "admin"),
                      "{\"target-version\":\"1\"}".getBytes()).status());
        TestPlatform.drain(RUNS.platform);
        JsonNode entry = api.get("/history/audit?candidate=gamma&migration=hist-anon").json().get("items").get(0);
        assertEquals("otto", entry.get("actor").asText());
        assertEquals("127.0.0.1", entry.get("source").asText(), "no X-Forwarded-For: the peer");
        assertTrue(entry.get("runId").isNull());
    }

    @Test
    void aBurndownAnswersAtMost2000BucketsCountedAsItReturnsThem() {
        migration("hist-span", "epsilon");
        // 2000 whole hours: 2000 points
        Api.Reply aligned = api.get("/history/burndown?migration=hist-span&bucket=hour&from=2026-01-01T00:00:00Z&to=2026-03-25T08:00:00Z");
        assertEquals(200, aligned.status(), aligned.body());
        assertEquals(2000, aligned.json().get("points").size());
        // under 2000 hours long, but it touches 2001 hour buckets
        Api.Reply straddling = api.get("/history/burndown?migration=hist-span&bucket=hour&from=2026-01-01T00:30:00Z&to=2026-03-25T08:29:00Z");
        assertEquals(400, straddling.status(), straddling.body());
        assertEquals("invalid_query", straddling.errorCode());
    }

    @Test
    void badQueriesAreRefusedWithStableCodes() {
        migration("hist-bad", "delta");
        Map<String, String> refused = Map.of(
                "/history/totals?migration=Not_A_Slug", "invalid_query",
                "/history/totals?since=yesterday", "invalid_query",
                "/history/burndown?bucket=week", "invalid_query",
                "/history/burndown?from=yesterday", "invalid_query",
                "/history/burndown?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "invalid_query",
                "/history/burndown?bucket=hour&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "invalid_query",
                "/history/failures?limit=0", "invalid_query",
                "/history/audit?action=delete", "invalid_query",
                "/history/audit?cursor=bm9wZQ", "invalid_cursor",
                "/history/audit?limit=5&limit=6", "invalid_query");
        refused.forEach((path, code) -> {
            Api.Reply reply = api.get(path);
            assertEquals(400, reply.status(), path + " " + reply.body());
            assertEquals(code, reply.errorCode(), path);
        });
        Api.Reply unknown = api.get("/history/steps?migration=never-announced");
        assertEquals(404, unknown.status());
        assertEquals("migration_not_found", unknown.errorCode());
    }
}
