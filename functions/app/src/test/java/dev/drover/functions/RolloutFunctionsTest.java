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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Creating and steering a rollout over real HTTP, its workflow and the runs it starts on Temporal's test server: what
 * the operator is answered, what the rollout starts, and what the audit log keeps of it.
 */
@ServerTest
class RolloutFunctionsTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));

    private final Api api;

    RolloutFunctionsTest(Http1Client client) {
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

    private JsonNode awaitRollout(String path, String what, java.util.function.Predicate<JsonNode> done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            JsonNode rollout = api.get(path).json();
            if (done.test(rollout)) {
                return rollout;
            }
            assertTrue(System.nanoTime() < until, "the rollout never " + what + ": " + rollout);
            Thread.sleep(50);
        }
    }

    @Test
    void aRolloutStartsOnlyItsSelectionWithinItsConcurrencyAndIsAuditedWithEverythingItWasGiven() throws Exception {
        RUNS.migration("rollout-fn", List.of("alpha", "alpine", "beta", "gamma"));
        Api.Reply created = api.postJson("/migrations/rollout-fn/rollouts", Map.of(
                "selector", Map.of("idPrefix", "al"), "concurrency", 1, "ratePerMinute", 600,
                "waves", List.of(Map.of("size", 2)), "failureBudget", Map.of("count", 2),
                "inputs", Map.of("target-version", "4.0.0")));
        assertEquals(202, created.status(), created.body());
        JsonNode view = created.json();
        String rolloutId = view.get("rolloutId").asText();
        assertTrue(rolloutId.startsWith("rollout-"), rolloutId);
        assertEquals("running", view.get("status").asText());
        assertEquals(1, view.get("concurrency").asInt());
        assertEquals("4.0.0", view.at("/inputs/target-version").asText());
        assertEquals("ada", view.get("createdBy").asText(), "who asked, from the token");

        // Two selected (alpha, alpine), one at a time: alpha runs with the rollout's inputs, alpine waits for its slot.
        StepEvent first = RUNS.nextEvent();
        assertEquals("alpha", first.candidate().id());
        assertEquals("4.0.0", first.inputs().get("target-version"));
        String path = "/migrations/rollout-fn/rollouts/" + rolloutId;
        JsonNode running = awaitRollout(path, "counted its start", r -> r.at("/counts/started").asInt() == 1);
        assertEquals(2, running.at("/counts/selected").asInt());
        assertEquals(1, running.at("/counts/running").asInt());
        assertNull(RUNS.published.poll(500, TimeUnit.MILLISECONDS), "alpine waits while alpha runs; beta and gamma are not selected");
        assertEquals("not_started", api.get("/migrations/rollout-fn/candidates/alpine").json().get("status").asText());

        assertEquals(202, api.post(path + "/pause", "").status());
        assertEquals("paused", awaitRollout(path, "paused", r -> r.get("status").asText().equals("paused")).get("status").asText());
        assertEquals(202, api.post(path + "/abort", "").status());
        awaitRollout(path, "aborted", r -> r.get("status").asText().equals("aborted"));

        TestPlatform.drain(RUNS.platform);
        JsonNode audit = api.get("/history/audit?migration=rollout-fn&action=rollout-create").json().get("items");
        assertEquals(1, audit.size(), audit.toString());
        JsonNode detail = audit.get(0).get("detail");
        assertEquals(rolloutId, detail.get("rolloutId").asText());
        assertEquals("1", detail.get("concurrency").asText());
        assertEquals("600", detail.get("ratePerMinute").asText());
        assertEquals("4.0.0", detail.get("input.target-version").asText());
        assertTrue(detail.get("selector").asText().contains("\"idPrefix\":\"al\""), detail.toString());
        assertTrue(detail.get("waves").asText().contains("\"size\":2"), detail.toString());
        assertTrue(detail.get("failureBudget").asText().contains("\"count\":2"), detail.toString());
        List<String> steered = new ArrayList<>();
        for (String action : List.of("rollout-pause", "rollout-abort")) {
            api.get("/history/audit?migration=rollout-fn&action=" + action).json().get("items")
                    .forEach(e -> steered.add(e.get("action").asText() + " " + e.at("/detail/rolloutId").asText()));
        }
        assertEquals(List.of("rollout-pause " + rolloutId, "rollout-abort " + rolloutId), steered);
    }

    @Test
    void aRolloutWithOnlyASelectorIsAuditedWithoutTheSettingsItWasNotGiven() throws Exception {
        RUNS.migration("rollout-plain", List.of("delta"));
        Api.Reply created = api.postJson("/migrations/rollout-plain/rollouts", Map.of("selector", Map.of("ids", List.of("nobody"))));
        assertEquals(202, created.status(), created.body());
        awaitRollout("/migrations/rollout-plain/rollouts/" + created.json().get("rolloutId").asText(), "completed",
                     r -> r.get("status").asText().equals("completed"));
        TestPlatform.drain(RUNS.platform);
        JsonNode detail = api.get("/history/audit?migration=rollout-plain&action=rollout-create").json().at("/items/0/detail");
        assertEquals(List.of("concurrency", "rolloutId", "selector"), fieldNames(detail));
    }

    @Test
    void aRolloutNeedsASelectorAKnownMigrationAndOnlyItsInputs() {
        Api.Reply noSelector = api.post("/migrations/rollout-fn/rollouts", "{}");
        assertEquals(400, noSelector.status());
        assertEquals("invalid_request", noSelector.errorCode());
        assertEquals(404, api.postJson("/migrations/rollout-nowhere/rollouts", Map.of("selector", Map.of())).status());
        RUNS.migration("rollout-inputs", List.of("epsilon"));
        Api.Reply undeclared = api.postJson("/migrations/rollout-inputs/rollouts", Map.of("selector", Map.of(), "inputs", Map.of("not-declared", "x")));
        assertEquals(400, undeclared.status());
        assertEquals("unknown_input", undeclared.errorCode());
        assertEquals(0, api.get("/migrations/rollout-inputs/rollouts").json().get("items").size(), "nothing was created");
    }

    @Test
    void steeringARolloutThatIsNotThereIsA404NamingWhatIsMissing() {
        RUNS.migration("rollout-steer", List.of("zeta"));
        for (String action : List.of("pause", "resume", "promote", "abort")) {
            Api.Reply unknown = api.post("/migrations/rollout-steer/rollouts/rollout-nope/" + action, "");
            assertEquals(404, unknown.status(), action + ": " + unknown.body());
            assertEquals("rollout_not_found", unknown.errorCode(), action);
            assertTrue(unknown.body().contains("'rollout-nope'"), unknown.body());
            Api.Reply noMigration = api.post("/migrations/rollout-nowhere/rollouts/rollout-nope/" + action, "");
            assertEquals(404, noMigration.status(), action);
            assertEquals("migration_not_found", noMigration.errorCode(), action);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }
}
