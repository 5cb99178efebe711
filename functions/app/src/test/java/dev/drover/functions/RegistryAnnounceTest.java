package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.json.Json;
import dev.drover.core.state.RedisState;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
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
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@ServerTest
class RegistryAnnounceTest {
    private static final RedisState STATE = TestState.create();
    private final Api api;

    RegistryAnnounceTest(Http1Client client) {
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

    private static CloudEvent announcement(String migrationJson) {
        return CloudEventBuilder.v1()
                .withId(UUID.randomUUID().toString())
                .withSource(URI.create("app-chart-migrator"))
                .withType("dev.drover.migration.announced")
                .withDataContentType("application/json")
                .withData(migrationJson.getBytes())
                .build();
    }

    @Test
    void plainJsonAnnouncementIsStoredAndReadable() {
        Api.Reply reply = api.postJson("/registry/announce", Fixtures.migration("plain"));
        assertEquals(200, reply.status());
        assertEquals("SUCCESS", reply.json().get("status").asText());

        JsonNode migration = api.get("/migrations/plain").json();
        assertEquals("Upgrade the service chart", migration.get("name").asText());
        assertEquals("bump-chart", migration.get("steps").get(0).get("name").asText());
        assertEquals("3.0.0", migration.get("steps").get(0).get("config").get("targetVersion").asText());
        assertEquals(0, migration.get("candidates").get("total").asLong());
    }

    @Test
    void structuredCloudEventIsAccepted() {
        CloudEvent event = announcement(Json.string(Fixtures.migration("structured")));
        byte[] body = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(event);
        Api.Reply reply = api.send(Method.POST, "/registry/announce",
                                   Map.of("Content-Type", "application/cloudevents+json"), body);
        assertEquals("SUCCESS", reply.json().get("status").asText());
        assertEquals(200, api.get("/migrations/structured").status());
    }

    @Test
    void binaryCloudEventIsAccepted() {
        Api.Reply reply = api.send(Method.POST, "/registry/announce",
                                   Map.of("Content-Type", "application/json",
                                          "ce-specversion", "1.0",
                                          "ce-id", "announce-1",
                                          "ce-source", "app-chart-migrator",
                                          "ce-type", "dev.drover.migration.announced"),
                                   Json.bytes(Fixtures.migration("binary")));
        assertEquals("SUCCESS", reply.json().get("status").asText());
        assertEquals(200, api.get("/migrations/binary").status());
    }

    @Test
    void reannouncingReplacesTheDefinitionButKeepsCreatedAtAndCandidates() throws InterruptedException {
        api.postJson("/registry/announce", Fixtures.migration("upsert"));
        JsonNode first = api.get("/migrations/upsert").json();
        api.postJson("/migrations/upsert/candidates", List.of(Fixtures.candidate("checkout", Map.of("team", "payments"))));

        Thread.sleep(5); // so a wrongly rewritten createdAt would differ
        var changed = new dev.drover.core.model.Migration("upsert", "Renamed", "", List.of(),
                                                          List.of(Fixtures.migration("x").steps().getFirst()), List.of());
        assertEquals("SUCCESS", api.postJson("/registry/announce", changed).json().get("status").asText());

        JsonNode second = api.get("/migrations/upsert").json();
        assertEquals("Renamed", second.get("name").asText());
        assertEquals(1, second.get("steps").size());
        assertEquals(first.get("createdAt").asText(), second.get("createdAt").asText());
        assertNotEquals(first.get("updatedAt").asText(), second.get("updatedAt").asText());
        assertEquals(1, second.get("candidates").get("total").asLong());
        assertEquals(200, api.get("/migrations/upsert/candidates/checkout").status());
    }

    @Test
    void invalidAnnouncementIsDroppedNotRetried() {
        // A missing name can never be stored: redelivering would fail forever, so DROP (200 for Knative too).
        Api.Reply reply = api.post("/registry/announce",
                                   "{\"id\":\"broken\",\"steps\":[{\"name\":\"a\",\"migratorApp\":\"m\"}]}");
        assertEquals(200, reply.status());
        assertEquals("DROP", reply.json().get("status").asText());
        assertEquals(404, api.get("/migrations/broken").status());

        assertEquals("DROP", api.post("/registry/announce", "not json").json().get("status").asText());
        assertEquals("DROP", api.post("/registry/announce", "{\"id\":\"Bad Id\",\"name\":\"x\",\"steps\":[]}")
                .json().get("status").asText());
    }

    @Test
    void cloudEventOfAnotherTypeIsDropped() {
        Api.Reply reply = api.send(Method.POST, "/registry/announce",
                                   Map.of("Content-Type", "application/json",
                                          "ce-specversion", "1.0",
                                          "ce-id", "other-1",
                                          "ce-source", "somewhere",
                                          "ce-type", "com.example.unrelated"),
                                   Json.bytes(Fixtures.migration("unrelated")));
        assertEquals("DROP", reply.json().get("status").asText());
        assertEquals(404, api.get("/migrations/unrelated").status());
    }

    @Test
    void daprLearnsTheSubscriptionFromTheApp() {
        JsonNode subscriptions = api.get("/dapr/subscribe").json();
        Map<String, String> routes = new java.util.HashMap<>();
        subscriptions.forEach(s -> {
            assertEquals("pubsub", s.get("pubsubname").asText());
            routes.put(s.get("topic").asText(), s.get("route").asText());
        });
        assertEquals(Map.of("migration-registry", "/registry/announce", "migration-steps", "/relay/steps"), routes);
    }
}
