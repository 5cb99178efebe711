package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.Input;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator completes a step by hand ({@code POST .../steps/{step}/complete}) over real HTTP, with real runs on
 * Temporal's test server: only the live run's current step, through the run's own update, so the migrator's late
 * callback is refused afterwards; the operator is in the step, the audit log and the history.
 */
@ServerTest
class ManualCompletionTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));

    private final Api api;

    ManualCompletionTest(Http1Client client) {
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

    private String candidate(String migrationId) {
        Migration migration = Fixtures.migration(migrationId);
        STATE.migrations().announce(new Migration(migrationId, migration.name(), "", List.of(), migration.steps(),
                                                  List.of(new Input("target-version", "Target version", ""))), "test-migrator");
        STATE.candidates().merge(migrationId, List.of(Fixtures.candidate("checkout", Map.of())));
        String candidate = "/migrations/" + migrationId + "/candidates/checkout";
        Api.Reply started = api.post(candidate + "/start", "{\"inputs\":{\"target-version\":\"3.0.0\"}}");
        assertEquals(202, started.status(), started.body());
        return candidate;
    }

    /** Otto, an operator, completes {@code step} with {@code outcome}. */
    private Api.Reply complete(String candidate, String step, String outcome, String message) {
        return api.as(TestTrust.operator()).post(candidate + "/steps/" + step + "/complete",
                                                 "{\"outcome\":\"" + outcome + "\"" + (message == null ? "" : ",\"message\":\"" + message + "\"") + "}");
    }

    private Api.Reply callback(StepEvent event, String status) {
        return api.as(TestTrust.migrator("app-chart-migrator")).postJson("/event/" + event.runId(), Map.of(
                "stepName", event.step().name(), "dispatch", event.dispatch(), "status", status, "token", event.callback().token()));
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
    void anOperatorCompletesTheCurrentStepAndTheMigratorsLateCallbackIsRefused() throws Exception {
        String candidate = candidate("manual-complete");
        StepEvent bump = RUNS.nextEvent();

        Api.Reply viewer = api.as(TestTrust.viewer()).post(candidate + "/steps/bump-chart/complete", "{\"outcome\":\"succeeded\"}");
        assertEquals(403, viewer.status(), "a viewer may not complete a step");
        Api.Reply migrator = api.as(TestTrust.migrator("app-chart-migrator"))
                .post(candidate + "/steps/bump-chart/complete", "{\"outcome\":\"succeeded\"}");
        assertEquals(403, migrator.status(), "a migrator calls back with its token; completing by hand is an operator's");
        assertEquals("not_current_step", complete(candidate, "await-merge", "succeeded", null).errorCode());
        assertEquals("unknown_step", complete(candidate, "no-such-step", "succeeded", null).errorCode());
        assertEquals(400, complete(candidate, "bump-chart", "pending", null).status(), "progress is the migrator's to report");
        assertEquals(400, complete(candidate, "bump-chart", "done", null).status());
        assertEquals(400, api.post(candidate + "/steps/bump-chart/complete", "{}").status(), "the outcome is required");
        assertEquals("dispatched", api.get(candidate + "/steps").json().at("/steps/0/status").asText(), "nothing changed");

        Api.Reply done = complete(candidate, "bump-chart", "succeeded", "bumped by hand");
        assertEquals(200, done.status(), done.body());
        assertTrue(done.json().get("applied").asBoolean());
        assertEquals("succeeded", done.json().get("stepStatus").asText());
        assertEquals(1, done.json().get("dispatch").asInt());
        StepEvent merge = RUNS.nextEvent();
        assertEquals("await-merge", merge.step().name(), "the run moved on to the next step");
        Api.Reply late = callback(bump, "failed");
        assertEquals(409, late.status(), "the migrator's late callback changes nothing");
        assertEquals("not_current_step", late.errorCode());
        JsonNode steps = api.get(candidate + "/steps").json();
        assertEquals("succeeded", steps.at("/steps/0/status").asText());
        assertEquals("bumped by hand", steps.at("/steps/0/message").asText());
        assertEquals("otto", steps.at("/steps/0/metadata/completedBy").asText());

        // The migrator fails the merge step; the operator merged it by hand after all: the run completes.
        assertEquals(200, callback(merge, "failed").status());
        awaitStep(candidate, 1, "failed");
        Api.Reply merged = complete(candidate, "await-merge", "merged", null);
        assertEquals(200, merged.status(), merged.body());
        assertEquals("merged", merged.json().get("stepStatus").asText());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!api.get(candidate).json().get("status").asText().equals("completed")) {
            assertTrue(System.nanoTime() < until, "the candidate never completed: " + api.get(candidate).body());
            Thread.sleep(20);
        }
        assertEquals("marked merged by otto", api.get(candidate + "/steps").json().at("/steps/1/message").asText());
        Api.Reply afterEnd = callback(merge, "succeeded");
        assertEquals(409, afterEnd.status());
        assertEquals("run_ended", afterEnd.errorCode());
        assertEquals("not_running", complete(candidate, "await-merge", "merged", null).errorCode());

        TestPlatform.drain(RUNS.platform);
        JsonNode audit = api.get("/history/audit?migration=manual-complete&action=complete-step").json().get("items");
        List<String> entries = new ArrayList<>();
        audit.forEach(e -> entries.add(e.get("actor").asText() + " " + e.at("/detail/step").asText() + " "
                                               + e.at("/detail/outcome").asText()));
        assertEquals(List.of("otto await-merge merged", "otto bump-chart succeeded"), entries, audit.toString());
        assertEquals(1, api.get("/history/totals?migration=manual-complete").json().at("/runs/completed").asInt());
    }

    @Test
    void anOperatorFailsAStepInProgressAndTheMigratorCanNoLongerFinishIt() throws Exception {
        String candidate = candidate("manual-fail");
        StepEvent bump = RUNS.nextEvent();
        Api.Reply failed = complete(candidate, "bump-chart", "failed", "the chart repository is frozen this week");
        assertEquals(200, failed.status(), failed.body());
        awaitStep(candidate, 0, "failed");
        assertEquals("failed", api.get(candidate).json().get("status").asText());
        Api.Reply late = callback(bump, "succeeded");
        assertEquals(409, late.status());
        assertEquals("step_not_in_progress", late.errorCode());
        assertEquals("step_not_in_progress", complete(candidate, "bump-chart", "failed", null).errorCode(),
                     "a failed step is not failed again");

        TestPlatform.drain(RUNS.platform);
        JsonNode failures = api.get("/history/failures?migration=manual-fail").json().get("items");
        assertEquals(1, failures.size());
        assertEquals("the chart repository is frozen this week", failures.get(0).get("message").asText());
        assertEquals(202, api.post(candidate + "/retry-step", "").status(), "a retry dispatches it to the migrator again");
        assertEquals(2, RUNS.nextEvent().dispatch());
        assertFalse(api.get(candidate + "/steps").json().at("/steps/0/status").asText().equals("failed"));
    }
}
