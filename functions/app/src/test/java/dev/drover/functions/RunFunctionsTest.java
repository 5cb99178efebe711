package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run functions over real HTTP, with real runs on Temporal's in-process test server. */
@ServerTest
class RunFunctionsTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));

    private final Api api;

    RunFunctionsTest(Http1Client client) {
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

    /** A migration with two steps and one required input, and one candidate of it. */
    private String candidate(String migrationId) {
        Migration migration = Fixtures.migration(migrationId);
        STATE.migrations().announce(new Migration(migrationId, migration.name(), "", List.of(), migration.steps(),
                                                  List.of(new Input("target-version", "Target version", ""))), "test-migrator");
        STATE.candidates().merge(migrationId, List.of(Fixtures.candidate("checkout", Map.of("team", "payments"))));
        return "/migrations/" + migrationId + "/candidates/checkout";
    }

    private Api.Reply start(String candidate, String version) {
        return api.post(candidate + "/start", "{\"inputs\":{\"target-version\":\"" + version + "\"}}");
    }

    /** A callback as the step's migrator app makes it, with its own identity and the run's token. */
    private Api.Reply callback(StepEvent event, String status, Map<String, String> metadata) {
        return migrator().postJson("/event/" + event.runId(), Map.of("stepName", event.step().name(), "dispatch", event.dispatch(),
                                                              "status", status, "metadata", metadata,
                                                              "token", event.callback().token()));
    }

    private Api migrator() {
        return api.as(TestTrust.migrator("app-chart-migrator"));
    }

    private JsonNode steps(String candidate) {
        return api.get(candidate + "/steps").json();
    }

    private JsonNode awaitStep(String candidate, int index, String status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode steps = steps(candidate);
            if (steps.get("steps").get(index).get("status").asText().equals(status)) {
                return steps;
            }
            assertTrue(System.nanoTime() < until, "step " + index + " never became " + status + ": " + steps);
            Thread.sleep(20);
        }
    }

    @Test
    void aStartedCandidateRunsItsStepsThroughCallbacksToCompletion() throws Exception {
        String candidate = candidate("runs-happy");
        JsonNode before = steps(candidate);
        assertTrue(before.get("runId").isNull());
        assertEquals("not_started", before.get("steps").get(0).get("status").asText());

        Api.Reply started = start(candidate, "3.0.0");
        assertEquals(202, started.status(), started.body());
        String runId = started.json().get("runId").asText();
        assertEquals(1, started.json().get("attempt").asInt());

        StepEvent first = RUNS.nextEvent();
        assertEquals(runId, first.runId());
        assertEquals("3.0.0", first.inputs().get("target-version"));
        Api.Reply twice = start(candidate, "3.0.0");
        assertEquals(409, twice.status());
        assertEquals("already_running", twice.errorCode());

        Api.Reply pending = callback(first, "pending", Map.of("pullRequest", "https://git.example/pr/1"));
        assertEquals(200, pending.status(), pending.body());
        assertTrue(pending.json().get("applied").asBoolean());
        JsonNode progress = awaitStep(candidate, 0, "pending");
        assertEquals("https://git.example/pr/1", progress.get("steps").get(0).get("metadata").get("pullRequest").asText());
        assertEquals("running", progress.get("candidateStatus").asText());

        assertTrue(callback(first, "merged", Map.of()).json().get("applied").asBoolean());
        StepEvent second = RUNS.nextEvent();
        assertEquals("await-merge", second.step().name());
        callback(second, "succeeded", Map.of());
        JsonNode done = awaitStep(candidate, 1, "succeeded");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!steps(candidate).get("runStatus").asText().equals("completed")) {
            assertTrue(System.nanoTime() < until, "the run never completed: " + steps(candidate));
            Thread.sleep(20);
        }
        assertEquals("completed", api.get(candidate).json().get("status").asText());
        assertEquals("merged", done.get("steps").get(0).get("status").asText());
        Api.Reply again = start(candidate, "3.0.0");
        assertEquals(409, again.status());
        assertEquals("already_completed", again.errorCode());
        assertTrue(again.body().contains("\\\"rerun\\\": true"), "the refusal says how to run it again: " + again.body());

        // An operator re-applies the migration: a new attempt runs every step again, from the first.
        Api.Reply rerun = api.post(candidate + "/start", "{\"rerun\": true}");
        assertEquals(202, rerun.status(), rerun.body());
        assertEquals(2, rerun.json().get("attempt").asInt());
        assertNotEquals(runId, rerun.json().get("runId").asText());
        StepEvent firstAgain = RUNS.nextEvent();
        assertEquals("bump-chart", firstAgain.step().name());
        assertEquals(2, firstAgain.attempt());
        assertEquals("3.0.0", firstAgain.inputs().get("target-version"), "the saved inputs apply again");
        assertEquals("running", api.get(candidate).json().get("status").asText());
        Api.Reply whileRunning = api.post(candidate + "/start", "{\"rerun\": true}");
        assertEquals(409, whileRunning.status(), "a running candidate is never re-run");
        assertEquals("already_running", whileRunning.errorCode());
    }

    @Test
    void callbacksAreCheckedBeforeTheyChangeAnything() throws Exception {
        String candidate = candidate("runs-callbacks");
        start(candidate, "3.0.0");
        StepEvent event = RUNS.nextEvent();

        Api.Reply wrongToken = migrator().postJson("/event/" + event.runId(), Map.of("stepName", "bump-chart", "dispatch", 1,
                                                                                     "status", "succeeded", "token", "guess"));
        assertEquals(403, wrongToken.status());
        assertEquals("invalid_token", wrongToken.errorCode());
        Api.Reply unknownRun = migrator().postJson("/event/run-nope", Map.of("stepName", "bump-chart", "dispatch", 1,
                                                                              "status", "succeeded", "token", "guess"));
        assertEquals(403, unknownRun.status(), "an unknown run answers as a wrong token does: no oracle of which runs exist");
        assertEquals("invalid_token", unknownRun.errorCode());
        assertEquals(wrongToken.json().get("error").get("message").asText().replace(event.runId(), "run-nope"),
                     unknownRun.json().get("error").get("message").asText());
        Api.Reply otherApp = api.as(TestTrust.migrator("hello-migrator")).postJson("/event/" + event.runId(), Map.of(
                "stepName", "bump-chart", "dispatch", 1, "status", "succeeded", "token", event.callback().token()));
        assertEquals(403, otherApp.status(), "another migrator app may not call back, even with the token");
        assertEquals("wrong_migrator", otherApp.errorCode());
        Api.Reply operator = api.as(TestTrust.operator()).postJson("/event/" + event.runId(), Map.of(
                "stepName", "bump-chart", "dispatch", 1, "status", "succeeded", "token", event.callback().token()));
        assertEquals(403, operator.status(), "a person may not call back");
        Api.Reply anonymous = api.anonymous().postJson("/event/" + event.runId(), Map.of(
                "stepName", "bump-chart", "dispatch", 1, "status", "succeeded", "token", event.callback().token()));
        assertEquals(401, anonymous.status());
        Api.Reply notCurrent = migrator().postJson("/event/" + event.runId(), Map.of("stepName", "await-merge", "dispatch", 1,
                                                                              "status", "succeeded", "token", event.callback().token()));
        assertEquals(409, notCurrent.status());
        assertEquals("not_current_step", notCurrent.errorCode());
        Api.Reply badStatus = migrator().postJson("/event/" + event.runId(), Map.of("stepName", "bump-chart", "dispatch", 1,
                                                                             "status", "done", "token", event.callback().token()));
        assertEquals(400, badStatus.status());
        assertEquals("dispatched", steps(candidate).get("steps").get(0).get("status").asText(), "nothing changed");

        assertTrue(callback(event, "succeeded", Map.of()).json().get("applied").asBoolean());
        Api.Reply duplicate = callback(event, "succeeded", Map.of());
        assertEquals(200, duplicate.status());
        assertFalse(duplicate.json().get("applied").asBoolean());
        assertEquals("await-merge", RUNS.nextEvent().step().name());
        assertNull(RUNS.published.poll(300, TimeUnit.MILLISECONDS), "the duplicate dispatched nothing");
    }

    /**
     * A step event as Knative's dispatcher sends it to a dead-letter sink: binary mode, with its error extensions and
     * the platform's signature (of {@code signed}: another event's data than the one sent makes a tampered event).
     */
    private Api.Reply deadLetter(StepEvent event, String type) {
        return deadLetter(event, type, event);
    }

    private Api.Reply deadLetter(StepEvent event, String type, StepEvent signed) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        String id = event.runId() + "/" + event.step().name() + "/" + event.dispatch();
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", id);
        if (signed != null) {
            headers.put("ce-droversig", Signatures.signEvent(TestTrust.KEYS, id, type, "app-chart-migrator",
                                                             dev.drover.contract.json.Json.bytes(signed), java.time.Instant.now()));
        }
        headers.put("ce-source", "/drover/runs");
        headers.put("ce-type", type);
        headers.put("ce-migratorapp", "app-chart-migrator");
        headers.put("ce-knativeerrordest", "http://app-chart-migrator.drover.svc.cluster.local/steps");
        headers.put("ce-knativeerrorcode", "404");
        headers.put("Content-Type", "application/json");
        return api.send(Method.POST, "/dead-letters", headers, dev.drover.contract.json.Json.bytes(event));
    }

    @Test
    void aStepEventThatNeverReachedItsMigratorFailsTheStepWithTheReason() throws Exception {
        String candidate = candidate("runs-dead-letter");
        start(candidate, "3.0.0");
        StepEvent first = RUNS.nextEvent();

        Api.Reply notAStep = deadLetter(first, "dev.drover.something.else");
        assertEquals(200, notAStep.status(), notAStep.body());
        assertFalse(notAStep.json().get("stepFailed").asBoolean());
        StepEvent forged = new StepEvent(first.runId(), first.attempt(), first.dispatch(), first.migrationId(), first.step(),
                                         first.candidate(), first.inputs(), new StepEvent.CallbackAddress(first.callback().url(), "forged"));
        assertEquals("invalid_token", deadLetter(forged, StepEvent.TYPE).errorCode(), "signed, but not with the run's token");
        assertEquals("invalid_signature", deadLetter(first, StepEvent.TYPE, null).errorCode(), "not signed by the platform");
        assertEquals("invalid_signature", deadLetter(forged, StepEvent.TYPE, first).errorCode(), "the data is not what was signed");
        Api.Reply plain = api.post("/dead-letters", "{}");
        assertEquals(400, plain.status());
        assertEquals("malformed_event", plain.errorCode());
        assertEquals("dispatched", steps(candidate).get("steps").get(0).get("status").asText(), "nothing so far failed the step");

        Api.Reply dead = deadLetter(first, StepEvent.TYPE);
        assertEquals(200, dead.status(), dead.body());
        assertTrue(dead.json().get("stepFailed").asBoolean());
        JsonNode failed = awaitStep(candidate, 0, "failed");
        String message = failed.get("steps").get(0).get("message").asText();
        assertTrue(message.contains("never reached app-chart-migrator") && message.contains("HTTP 404"), message);
        assertEquals("failed", api.get(candidate).json().get("status").asText());

        Api.Reply again = deadLetter(first, StepEvent.TYPE);
        assertEquals(200, again.status(), again.body());
        assertFalse(again.json().get("stepFailed").asBoolean(), "a redelivered dead letter changes nothing");
        assertEquals(202, api.post(candidate + "/retry-step", "").status(), "the operator can retry the step");
        assertEquals(2, RUNS.nextEvent().dispatch());

        // The step moved on (its second dispatch): a late dead letter of the first fails nothing
        Api.Reply late = deadLetter(first, StepEvent.TYPE);
        assertEquals(200, late.status(), late.body());
        assertFalse(late.json().get("stepFailed").asBoolean(), late.body());
        assertEquals("dispatched", steps(candidate).get("steps").get(0).get("status").asText());
        // nor one the run refuses: signed by the platform and with the run's token, but for a step this run does not have
        StepEvent.StepRef none = new StepEvent.StepRef("no-such-step", first.step().type(), first.step().config(), first.step().migratorApp());
        StepEvent unknownStep = new StepEvent(first.runId(), first.attempt(), 2, first.migrationId(), none, first.candidate(),
                                              first.inputs(), first.callback());
        Api.Reply refused = deadLetter(unknownStep, StepEvent.TYPE);
        assertEquals(200, refused.status(), refused.body());
        assertFalse(refused.json().get("stepFailed").asBoolean(), refused.body());
        assertEquals("dispatched", steps(candidate).get("steps").get(0).get("status").asText());
        // nor once the run has ended
        Api.Reply cancelled = api.post(candidate + "/cancel", "");
        assertEquals(2, cancelled.status() / 100, cancelled.body());
        JsonNode ended = awaitStep(candidate, 0, "cancelled");
        Api.Reply afterEnd = deadLetter(first, StepEvent.TYPE);
        assertEquals(200, afterEnd.status(), afterEnd.body());
        assertFalse(afterEnd.json().get("stepFailed").asBoolean(), afterEnd.body());
        assertEquals(ended.get("steps").get(0).get("status").asText(), steps(candidate).get("steps").get(0).get("status").asText());
    }

    @Test
    void aFailedStepIsRetriedByAnOperatorWithTheInputsAsTheyNowStand() throws Exception {
        String candidate = candidate("runs-retry");
        start(candidate, "3.0.0");
        StepEvent first = RUNS.nextEvent();
        Api.Reply early = api.post(candidate + "/retry-step", "");
        assertEquals(409, early.status());
        assertEquals("no_failed_step", early.errorCode());

        callback(first, "failed", Map.of());
        awaitStep(candidate, 0, "failed");
        assertEquals("failed", api.get(candidate).json().get("status").asText());
        Api.Reply edited = api.send(Method.PATCH, candidate + "/inputs", Map.of("Content-Type", "application/json"),
                                    "{\"target-version\":\"3.1.0\"}".getBytes());
        assertEquals(200, edited.status(), edited.body());
        assertEquals("3.1.0", edited.json().get("inputs").get("target-version").asText());

        Api.Reply retried = api.post(candidate + "/retry-step", "");
        assertEquals(202, retried.status(), retried.body());
        assertEquals(2, retried.json().get("dispatch").asInt());
        StepEvent second = RUNS.nextEvent();
        assertEquals(2, second.dispatch());
        assertEquals("3.1.0", second.inputs().get("target-version"));
        Api.Reply stale = callback(first, "succeeded", Map.of());
        assertEquals(409, stale.status());
        assertEquals("stale_dispatch", stale.errorCode());
    }

    @Test
    void cancelResetsTheCandidateAndTheOldAttemptsCallbacksAreRefused() throws Exception {
        String candidate = candidate("runs-cancel");
        start(candidate, "3.0.0");
        StepEvent old = RUNS.nextEvent();
        Api.Reply cancelled = api.post(candidate + "/cancel", "");
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("cancelled", cancelled.json().get("status").asText());
        assertEquals("not_started", api.get(candidate).json().get("status").asText());
        JsonNode steps = steps(candidate);
        assertEquals("cancelled", steps.get("runStatus").asText());
        assertEquals("cancelled", steps.get("steps").get(0).get("status").asText());
        Api.Reply again = api.post(candidate + "/cancel", "");
        assertEquals("not_running", again.errorCode());
        assertTrue(again.body().contains("its last run (attempt 1) was cancelled"), again.body());

        Api.Reply restarted = start(candidate, "3.0.0");
        assertEquals(2, restarted.json().get("attempt").asInt());
        StepEvent fresh = RUNS.nextEvent();
        Api.Reply late = callback(old, "succeeded", Map.of());
        assertEquals(409, late.status());
        assertEquals("run_ended", late.errorCode());
        assertTrue(late.body().contains("(attempt 1) was cancelled"), late.body());
        assertEquals(200, callback(fresh, "pending", Map.of()).status());
    }

    @Test
    void inputsAreCheckedAtStartAndEdit() {
        String candidate = candidate("runs-inputs");
        Api.Reply missing = api.post(candidate + "/start", "");
        assertEquals(400, missing.status());
        assertEquals("missing_inputs", missing.errorCode());
        assertTrue(missing.json().get("error").get("message").asText().contains("target-version"));
        Api.Reply unknown = api.post(candidate + "/start", "{\"inputs\":{\"colour\":\"red\"}}");
        assertEquals("unknown_input", unknown.errorCode());
        Api.Reply patchUnknown = api.send(Method.PATCH, candidate + "/inputs", Map.of("Content-Type", "application/json"),
                                          "{\"colour\":\"red\"}".getBytes());
        assertEquals("unknown_input", patchUnknown.errorCode());
        assertEquals("not_started", api.get(candidate).json().get("status").asText(), "nothing started");
        Api.Reply neverStarted = api.post(candidate + "/retry-step", "");
        assertEquals("not_running", neverStarted.errorCode());
        assertTrue(neverStarted.body().contains("it has never been started"), neverStarted.body());
        assertEquals("candidate_not_found", api.post("/migrations/runs-inputs/candidates/nobody/start", "").errorCode());
    }
}
