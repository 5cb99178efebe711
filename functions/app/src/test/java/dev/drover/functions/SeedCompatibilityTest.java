package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a migrator written for the seed system sends, where its meaning is clear and nothing unsafe follows: the
 * wrapped candidate list, a candidate's status (ignored, and said so), input names such as {@code repoName},
 * candidates in an announcement; and a dropped announcement its sender can read the reason of.
 */
@ServerTest
class SeedCompatibilityTest {
    private static final RedisState STATE = TestState.create();
    private final Api api;

    SeedCompatibilityTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    private static String announcement(String id, String candidates) {
        return """
                {"id": "%s", "name": "App Chart Migration", "description": "seed-shaped",
                 "requiredInputs": [{"name": "repoName", "label": "Repository", "description": "Pre-filled from discovery"}],
                 "steps": [{"name": "generate-app-chart", "migratorApp": "app-chart-migrator", "type": "generate-app-chart"}],
                 "candidates": %s}""".formatted(id, candidates);
    }

    private JsonNode outcomes(String migrationId, String token) {
        Api.Reply reply = api.as(token).get("/registry/announcements/" + migrationId);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("items");
    }

    @Test
    void anAnnouncementWithCandidatesAndAnOrdinaryInputNameIsStoredAndItsCandidatesDiscovered() {
        Api.Reply announced = api.announceJson(announcement("seed-announce", """
                [{"id": "billing-api", "kind": "application", "metadata": {"repoName": "acme/billing-api"}, "status": "completed"}]"""),
                                               "app-chart-migrator");
        assertEquals("SUCCESS", announced.json().get("status").asText(), announced.body());
        assertEquals("repoName", api.get("/migrations/seed-announce").json().at("/requiredInputs/0/name").asText());
        JsonNode candidate = api.get("/migrations/seed-announce/candidates/billing-api").json();
        assertEquals("not_started", candidate.get("status").asText(), "a status a migrator sends is never the candidate's");
        assertEquals("acme/billing-api", candidate.at("/metadata/repoName").asText());

        JsonNode mine = outcomes("seed-announce", TestTrust.migrator("app-chart-migrator"));
        assertEquals(1, mine.size());
        assertEquals("accepted", mine.get(0).get("outcome").asText());
        String reason = mine.get(0).get("reason").asText();
        assertTrue(reason.contains("1 candidate(s) merged") && reason.contains("ignored the status"), reason);
        Api.Reply inputs = api.send(io.helidon.http.Method.PATCH, "/migrations/seed-announce/candidates/billing-api/inputs",
                                    Map.of("Content-Type", "application/json"), "{\"repoName\": \"acme/billing\"}".getBytes());
        assertEquals(200, inputs.status(), inputs.body());
        assertEquals("acme/billing", inputs.json().at("/inputs/repoName").asText());
    }

    @Test
    void aDroppedAnnouncementSaysWhyToItsSenderAndToAnAdminOnly() {
        assertEquals("SUCCESS", api.announceJson(announcement("seed-owned", "[]"), "app-chart-migrator").json().get("status").asText());
        Api.Reply stolen = api.announceJson(announcement("seed-owned", "[]"), "other-migrator");
        assertEquals("DROP", stolen.json().get("status").asText(), stolen.body());
        Api.Reply badUrl = api.announceJson("{\"id\": \"seed-bad\", \"name\": \"x\", \"steps\": []}", "other-migrator");
        assertEquals("DROP", badUrl.json().get("status").asText());

        JsonNode refused = outcomes("seed-owned", TestTrust.migrator("other-migrator"));
        assertEquals(1, refused.size(), "a migrator sees its own outcome only: " + refused);
        assertEquals("dropped", refused.get(0).get("outcome").asText());
        assertEquals("not_owner", refused.get(0).get("code").asText());
        assertTrue(refused.get(0).get("reason").asText().contains("belongs to app-chart-migrator"), refused.toString());
        assertEquals("accepted", outcomes("seed-owned", TestTrust.migrator("app-chart-migrator")).get(0).get("outcome").asText());
        List<String> all = new ArrayList<>();
        outcomes("seed-owned", TestTrust.admin()).forEach(o -> all.add(o.get("app").asText() + " " + o.get("outcome").asText()));
        assertEquals(List.of("app-chart-migrator accepted", "other-migrator dropped"), all);
        JsonNode invalid = outcomes("seed-bad", TestTrust.migrator("other-migrator"));
        assertEquals("dropped", invalid.get(0).get("outcome").asText());
        assertTrue(invalid.get(0).get("reason").asText().contains("steps"), invalid.toString());

        assertEquals(403, api.as(TestTrust.operator()).get("/registry/announcements/seed-owned").status(),
                     "an operator reads migrations, not what migrators were told");
        assertEquals(0, outcomes("seed-never", TestTrust.migrator("app-chart-migrator")).size());
    }

    @Test
    void discoveryMaySendTheWrappedListAndStatusesWhichAreIgnoredWithAWarning() {
        api.announceJson(announcement("seed-submit", "[]"), "app-chart-migrator");
        Api.Reply submitted = api.as(TestTrust.migrator("app-chart-migrator")).postJson("/migrations/seed-submit/candidates", Map.of(
                "candidates", List.of(Map.of("id", "billing-api", "kind", "application", "status", "running"),
                                      Map.of("id", "orders", "kind", "application"))));
        assertEquals(200, submitted.status(), submitted.body());
        assertEquals(2, submitted.json().get("added").asInt());
        assertEquals(1, submitted.json().get("warnings").size());
        assertTrue(submitted.json().at("/warnings/0").asText().contains("billing-api"), submitted.body());
        assertEquals("not_started", api.get("/migrations/seed-submit/candidates/billing-api").json().get("status").asText());

        Api.Reply plain = api.as(TestTrust.migrator("app-chart-migrator")).post("/migrations/seed-submit/candidates",
                                                                                "[{\"id\": \"orders\", \"kind\": \"application\"}]");
        assertEquals(200, plain.status());
        assertEquals(0, plain.json().get("warnings").size());
        Api.Reply unknown = api.as(TestTrust.migrator("app-chart-migrator")).post("/migrations/seed-submit/candidates",
                                                                                  "[{\"id\": \"orders\", \"colour\": \"red\"}]");
        assertEquals(400, unknown.status(), "only status is forgiven; anything else unknown is still refused");
    }
}
