package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /migrations/{id}/bulk/retry|cancel} over real HTTP with real runs (Temporal's test server): which
 * selected candidates are acted on, which are left as they are, what the answer counts and what the audit log says.
 */
@ServerTest
class BulkActionTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));

    private final Api api;

    BulkActionTest(Http1Client client) {
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

    private void callback(StepEvent event, String status) {
        Api.Reply reply = api.as(TestTrust.migrator("app-chart-migrator"))
                .postJson("/event/" + event.runId(), Map.of("stepName", event.step().name(), "dispatch", event.dispatch(),
                                                             "status", status, "metadata", Map.of(), "token", event.callback().token()));
        assertEquals(200, reply.status(), reply.body());
    }

    private String status(String migrationId, String candidateId) {
        return api.get("/migrations/" + migrationId + "/candidates/" + candidateId).json().get("status").asText();
    }

    private void awaitStatus(String migrationId, String candidateId, String status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!status(migrationId, candidateId).equals(status)) {
            assertTrue(System.nanoTime() < until, candidateId + " never became " + status + ": " + status(migrationId, candidateId));
            Thread.sleep(20);
        }
    }

    private Api.Reply bulk(String migrationId, String action, Object selector) {
        return api.postJson("/migrations/" + migrationId + "/bulk/" + action, Map.of("selector", selector));
    }

    private static Map<String, Object> counts(Api.Reply reply) {
        JsonNode json = reply.json();
        Map<String, Object> counts = new TreeMap<>();
        counts.put("action", json.get("action").asText());
        counts.put("selected", json.get("selected").asInt());
        counts.put("applied", json.get("applied").asInt());
        counts.put("skipped", json.get("skipped").asInt());
        counts.put("more", json.get("more").asBoolean());
        return counts;
    }

    @Test
    void aBulkRetryRedispatchesOnlyTheSelectedFailedStepsAndABulkCancelEndsOnlyRunsInProgress() throws Exception {
        String m = "bulk-fn";
        RUNS.migration(m, List.of("alpha", "beta", "gamma", "delta"));
        for (String id : List.of("alpha", "beta", "gamma")) {
            Api.Reply started = api.post("/migrations/" + m + "/candidates/" + id + "/start", "{\"inputs\":{\"target-version\":\"2.0.0\"}}");
            assertEquals(202, started.status(), started.body());
        }
        Map<String, StepEvent> first = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            StepEvent event = RUNS.nextEvent();
            first.put(event.candidate().id(), event);
        }
        callback(first.get("alpha"), "failed");
        callback(first.get("beta"), "failed");
        awaitStatus(m, "alpha", "failed");
        awaitStatus(m, "beta", "failed");

        // alpha failed and selected: retried; gamma runs without a failure and delta never started: left; beta is not selected.
        Api.Reply retried = bulk(m, "retry", Map.of("ids", List.of("alpha", "gamma", "delta")));
        assertEquals(202, retried.status(), retried.body());
        assertEquals(Map.of("action", "retry", "selected", 3, "applied", 1, "skipped", 2, "more", false), counts(retried));
        StepEvent again = RUNS.nextEvent();
        assertEquals("alpha", again.candidate().id());
        assertEquals(2, again.dispatch());
        awaitStatus(m, "alpha", "running");
        assertEquals("failed", status(m, "beta"), "a candidate outside the selection is left failed");
        assertEquals(1, api.get("/migrations/" + m + "/candidates/beta/steps").json().get("steps").get(0).get("dispatches").asInt());

        // Every candidate selected: the three runs in progress (failed or not) end; delta has none to end.
        Api.Reply cancelled = bulk(m, "cancel", Map.of());
        assertEquals(202, cancelled.status(), cancelled.body());
        assertEquals(Map.of("action", "cancel", "selected", 4, "applied", 3, "skipped", 1, "more", false), counts(cancelled));
        // 202: each cancel is asked of Temporal; the runs end as their workflows take it.
        for (String id : List.of("alpha", "beta", "gamma", "delta")) {
            awaitStatus(m, id, "not_started");
        }
        for (String id : List.of("alpha", "beta", "gamma")) {
            assertEquals("cancelled", api.get("/migrations/" + m + "/candidates/" + id + "/steps").json().get("runStatus").asText(), id);
        }
        Api.Reply nothingLeft = bulk(m, "cancel", Map.of());
        assertEquals(Map.of("action", "cancel", "selected", 4, "applied", 0, "skipped", 4, "more", false), counts(nothingLeft));

        // Each candidate acted on is audited as its single action, marked bulk; each request once, with its counts.
        TestPlatform.drain(RUNS.platform);
        JsonNode retries = api.get("/history/audit?migration=" + m + "&action=retry-step").json().get("items");
        assertEquals(1, retries.size());
        assertEquals("alpha", retries.get(0).get("candidateId").asText());
        assertEquals("true", retries.get(0).at("/detail/bulk").asText());
        assertEquals("2", retries.get(0).at("/detail/dispatch").asText());
        assertEquals("bump-chart", retries.get(0).at("/detail/step").asText());
        List<String> cancelledIds = new ArrayList<>();
        api.get("/history/audit?migration=" + m + "&action=cancel").json().get("items").forEach(e -> {
            cancelledIds.add(e.get("candidateId").asText());
            assertEquals("true", e.at("/detail/bulk").asText(), e.toString());
            assertFalse(e.get("runId").isNull(), e.toString());
        });
        assertEquals(List.of("alpha", "beta", "gamma"), cancelledIds.stream().sorted().toList());
        JsonNode bulkRetry = api.get("/history/audit?migration=" + m + "&action=bulk-retry").json().get("items");
        assertEquals(1, bulkRetry.size());
        assertEquals("3", bulkRetry.get(0).at("/detail/selected").asText());
        assertEquals("1", bulkRetry.get(0).at("/detail/applied").asText());
        assertTrue(bulkRetry.get(0).at("/detail/selector").asText().contains("alpha"), bulkRetry.toString());
        JsonNode bulkCancels = api.get("/history/audit?migration=" + m + "&action=bulk-cancel").json().get("items");
        assertEquals(List.of("0", "3"), List.of(bulkCancels.get(0).at("/detail/applied").asText(), bulkCancels.get(1).at("/detail/applied").asText()));
    }

    @Test
    void oneRequestLooksAtNoMoreThanItsLimitAndSaysTheSelectionGoesOn() {
        String m = "bulk-many";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            ids.add(String.format("app-%04d", i));
        }
        RUNS.migration(m, ids);
        assertEquals(Map.of("action", "cancel", "selected", 500, "applied", 0, "skipped", 500, "more", true),
                     counts(bulk(m, "cancel", Map.of())));
        assertEquals(Map.of("action", "retry", "selected", 100, "applied", 0, "skipped", 100, "more", false),
                     counts(bulk(m, "retry", Map.of("idPrefix", "app-00"))));
        assertEquals(Map.of("action", "retry", "selected", 1, "applied", 0, "skipped", 1, "more", false),
                     counts(bulk(m, "retry", Map.of("idPrefix", "app-05"))));
    }

    @Test
    void aBulkActionNeedsASelectorAKnownMigrationAndAnOperator() {
        RUNS.migration("bulk-refused", List.of("alpha"));
        Api.Reply noSelector = api.post("/migrations/bulk-refused/bulk/retry", "{}");
        assertEquals(400, noSelector.status());
        assertEquals("invalid_request", noSelector.errorCode());
        assertTrue(noSelector.body().contains("selector is required"), noSelector.body());
        Api.Reply badStatus = bulk("bulk-refused", "cancel", Map.of("status", List.of("sleeping")));
        assertEquals(400, badStatus.status());
        assertEquals("invalid_request", badStatus.errorCode());
        assertTrue(badStatus.body().contains("selector.status: 'sleeping'"), badStatus.body());
        Api.Reply unknown = bulk("bulk-nowhere", "cancel", Map.of());
        assertEquals(404, unknown.status(), unknown.body());
        assertEquals(403, api.as(TestTrust.viewer()).postJson("/migrations/bulk-refused/bulk/cancel", Map.of("selector", Map.of())).status());
    }
}
