package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A step of type {@code manual} (an approval between automated steps) over real HTTP, with real runs on Temporal's
 * test server: it is dispatched to no migrator, waits for an operator ({@code pending}, {@code waitingFor: operator}),
 * refuses the migrator's callback, and the operator's completion moves the run on.
 */
@ServerTest
class ManualStepTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));

    private final Api api;

    ManualStepTest(Http1Client client) {
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

    /** bump-chart (the migrator's), approve (manual), await-merge (the migrator's); returns the candidate's path. */
    private String started(String migrationId, List<Step> steps) {
        STATE.migrations().announce(new Migration(migrationId, "Upgrade with an approval", "", List.of(), steps, List.of()),
                                    "test-migrator");
        STATE.candidates().merge(migrationId, List.of(Fixtures.candidate("checkout", Map.of())));
        String candidate = "/migrations/" + migrationId + "/candidates/checkout";
        assertEquals(202, api.post(candidate + "/start", "").status());
        return candidate;
    }

    private static Step step(String name, String type) {
        return new Step(name, "", "app-chart-migrator", type, Map.of());
    }

    private Api.Reply callback(String runId, String step, String token, String status) {
        return api.as(TestTrust.migrator("app-chart-migrator")).postJson("/event/" + runId, Map.of(
                "stepName", step, "dispatch", 1, "status", status, "token", token));
    }

    private JsonNode awaitStep(String candidate, int index, String status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode steps = api.get(candidate + "/steps").json();
            if (steps.get("steps").get(index).get("status").asText().equals(status)) {
                return steps;
            }
            assertTrue(System.nanoTime() < until, "step " + index + " never became " + status + ": " + steps);
            Thread.sleep(20);
        }
    }

    @Test
    void aManualStepWaitsForAnOperatorNotAMigrator() throws Exception {
        String candidate = started("manual-approve", List.of(step("bump-chart", "bump-chart"), step("approve", Step.MANUAL),
                                                             step("await-merge", "await-merge")));
        StepEvent bump = RUNS.nextEvent();
        assertEquals(200, callback(bump.runId(), "bump-chart", bump.callback().token(), "succeeded").status());

        JsonNode waiting = awaitStep(candidate, 1, "pending");
        assertNull(RUNS.published.poll(500, TimeUnit.MILLISECONDS), "a manual step is dispatched to no migrator");
        JsonNode approve = waiting.at("/steps/1");
        assertEquals("operator", approve.at("/metadata/waitingFor").asText(), "what the console and CLI show as waiting for you");
        assertTrue(approve.get("message").asText().contains("waiting for an operator"), approve.toString());
        assertEquals(1, approve.get("dispatches").asInt());
        assertEquals("running", api.get(candidate).json().get("status").asText());

        Api.Reply byMigrator = callback(bump.runId(), "approve", bump.callback().token(), "succeeded");
        assertEquals(409, byMigrator.status(), "the migrator holds the run's token, yet a manual step is an operator's");
        assertEquals("manual_step", byMigrator.errorCode());
        assertEquals("pending", api.get(candidate + "/steps").json().at("/steps/1/status").asText());

        Api.Reply approved = api.as(TestTrust.operator()).post(candidate + "/steps/approve/complete",
                                                               "{\"outcome\":\"succeeded\",\"message\":\"approved by the payments team\"}");
        assertEquals(200, approved.status(), approved.body());
        StepEvent merge = RUNS.nextEvent();
        assertEquals("await-merge", merge.step().name(), "the run moved on to the migrator's next step");
        JsonNode after = api.get(candidate + "/steps").json().at("/steps/1");
        assertEquals("succeeded", after.get("status").asText());
        assertFalse(after.get("metadata").has("waitingFor"), "a completed manual step waits for no one: " + after);
        assertEquals("otto", after.at("/metadata/completedBy").asText());
        assertEquals("approved by the payments team", after.get("message").asText());
    }

    @Test
    void aFailedManualStepIsRetriedIntoWaitingAgain() throws Exception {
        String candidate = started("manual-first", List.of(step("approve", Step.MANUAL), step("bump-chart", "bump-chart")));
        awaitStep(candidate, 0, "pending");
        assertEquals("running", api.get(candidate).json().get("status").asText(), "a run that begins with a manual step is running");
        Api.Reply rejected = api.as(TestTrust.operator()).post(candidate + "/steps/approve/complete",
                                                               "{\"outcome\":\"failed\",\"message\":\"not this week\"}");
        assertEquals(200, rejected.status(), rejected.body());
        awaitStep(candidate, 0, "failed");
        assertEquals("failed", api.get(candidate).json().get("status").asText());

        Api.Reply retried = api.post(candidate + "/retry-step", "");
        assertEquals(202, retried.status(), retried.body());
        JsonNode again = awaitStep(candidate, 0, "pending").at("/steps/0");
        assertEquals(2, again.get("dispatches").asInt());
        assertEquals("operator", again.at("/metadata/waitingFor").asText());
        assertNull(RUNS.published.poll(300, TimeUnit.MILLISECONDS), "the retry dispatched nothing to a migrator");
        assertEquals(200, api.as(TestTrust.operator()).post(candidate + "/steps/approve/complete",
                                                            "{\"outcome\":\"succeeded\"}").status());
        assertEquals("bump-chart", RUNS.nextEvent().step().name());
    }
}
