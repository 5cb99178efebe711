package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.Migration;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Candidate rows carry their run: what the console's table and the CLI's listing show without a request per row.
 * Real runs on Temporal's in-process test server, callbacks over HTTP as a migrator makes them.
 */
@ServerTest
class CandidateRunSummaryTest {
    private static final RedisState STATE = TestState.create();
    private static final String START = "{\"inputs\":{\"target-version\":\"3.0.0\"}}";
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));

    private final Api api;

    CandidateRunSummaryTest(Http1Client client) {
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

    private Api.Reply callback(StepEvent event, String status, Map<String, String> metadata, String message) {
        return api.as(TestTrust.migrator("app-chart-migrator")).postJson(
                "/event/" + event.runId(), Map.of("stepName", event.step().name(), "dispatch", event.dispatch(), "status", status,
                                                  "metadata", metadata, "message", message, "token", event.callback().token()));
    }

    /** The candidate's row in the list, once {@code until} holds (runs move on their own, a little later). */
    private JsonNode awaitRow(String migrationId, String candidateId, Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode row = null;
            for (JsonNode item : api.get("/migrations/" + migrationId + "/candidates").json().get("items")) {
                if (item.get("id").asText().equals(candidateId)) {
                    row = item;
                }
            }
            if (row != null && until.test(row)) {
                return row;
            }
            assertTrue(System.nanoTime() < deadline, "the row of " + candidateId + " never got there: " + row);
            Thread.sleep(20);
        }
    }

    private static String stepStatus(JsonNode row) {
        return row.get("run").path("step").path("status").asText();
    }

    @Test
    void aRowShowsItsRunFromStartThroughACallbackToCompletion() throws Exception {
        String m = "summary-happy";
        STATE.migrations().announce(Fixtures.migration(m), Fixtures.OWNER);
        STATE.candidates().merge(m, List.of(Fixtures.candidate("checkout", Map.of()), Fixtures.candidate("payments", Map.of())));

        JsonNode before = api.get("/migrations/" + m + "/candidates").json().get("items");
        assertTrue(before.get(0).get("run").isNull(), "a candidate never started has no run: " + before);
        assertTrue(api.get("/migrations/" + m + "/candidates/checkout").json().get("run").isNull());

        Api.Reply started = api.post("/migrations/" + m + "/candidates/checkout/start", START);
        assertEquals(202, started.status(), started.body());
        String runId = started.json().get("runId").asText();
        StepEvent first = RUNS.nextEvent();

        JsonNode dispatched = awaitRow(m, "checkout", row -> stepStatus(row).equals("dispatched"));
        assertEquals(runId, dispatched.get("run").get("runId").asText());
        assertEquals(1, dispatched.get("run").get("attempt").asInt());
        assertEquals("running", dispatched.get("run").get("status").asText());
        assertEquals("bump-chart", dispatched.get("run").get("step").get("name").asText());
        assertEquals(1, dispatched.get("run").get("step").get("dispatches").asInt());
        assertTrue(awaitRow(m, "payments", row -> true).get("run").isNull(), "the other row is untouched");

        assertEquals(200, callback(first, "pending", Map.of("changeUrl", "https://git.example/pr/7"), "pull request open").status());
        JsonNode pending = awaitRow(m, "checkout", row -> stepStatus(row).equals("pending"));
        assertEquals("pull request open", pending.get("run").get("step").get("message").asText());
        assertEquals("https://git.example/pr/7", pending.get("run").get("step").get("metadata").get("changeUrl").asText());
        assertEquals(pending, api.get("/migrations/" + m + "/candidates/checkout").json(), "one candidate reads as its row");

        callback(first, "merged", Map.of(), "");
        StepEvent second = RUNS.nextEvent();
        awaitRow(m, "checkout", row -> row.get("run").get("step").get("name").asText().equals("await-merge"));
        callback(second, "succeeded", Map.of(), "deployed");
        JsonNode completed = awaitRow(m, "checkout", row -> row.get("run").get("status").asText().equals("completed"));
        assertEquals("completed", completed.get("status").asText());
        assertEquals("await-merge", completed.get("run").get("step").get("name").asText(), "the last step that ran");
        assertEquals("succeeded", completed.get("run").get("step").get("status").asText());
        assertEquals("deployed", completed.get("run").get("step").get("message").asText());
    }

    @Test
    void aFailedStepIsTheCurrentStepAndACancelledRunSaysSo() throws Exception {
        String m = "summary-failed";
        STATE.migrations().announce(Fixtures.migration(m), Fixtures.OWNER);
        STATE.candidates().merge(m, List.of(Fixtures.candidate("orders", Map.of())));
        api.post("/migrations/" + m + "/candidates/orders/start", START);
        StepEvent first = RUNS.nextEvent();
        callback(first, "failed", Map.of("changeUrl", "https://git.example/pr/8"), "chart 3.0 not found");

        JsonNode failed = awaitRow(m, "orders", row -> stepStatus(row).equals("failed"));
        assertEquals("failed", failed.get("status").asText());
        assertEquals("running", failed.get("run").get("status").asText(), "a failed step waits for an operator: the run goes on");
        assertEquals("chart 3.0 not found", failed.get("run").get("step").get("message").asText());

        assertEquals(200, api.post("/migrations/" + m + "/candidates/orders/cancel", "").status());
        JsonNode cancelled = awaitRow(m, "orders", row -> row.get("run").get("status").asText().equals("cancelled"));
        assertEquals("not_started", cancelled.get("status").asText());
        assertEquals("cancelled", stepStatus(cancelled));
        assertEquals("https://git.example/pr/8", cancelled.get("run").get("step").get("metadata").get("changeUrl").asText(),
                     "the change request stays visible after the cancel");

        api.post("/migrations/" + m + "/candidates/orders/start", START);
        RUNS.nextEvent();
        JsonNode again = awaitRow(m, "orders", row -> row.get("run").get("attempt").asInt() == 2);
        assertEquals("running", again.get("run").get("status").asText());
        assertEquals("dispatched", stepStatus(again));
    }
}
