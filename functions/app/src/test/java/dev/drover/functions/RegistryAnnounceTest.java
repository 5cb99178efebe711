package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Announcements arrive through Dapr: the sidecar proves itself with Dapr's app token, the migrator with its own
 * token inside the event. The first app to announce a migration id owns it.
 */
@ServerTest
class RegistryAnnounceTest {
    private static final RedisState STATE = TestState.create();
    private static final Platform PLATFORM = TestPlatform.withoutRuns(STATE);
    private final Api api;

    RegistryAnnounceTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, PLATFORM);
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    private static Map<String, String> binaryHeaders(String type, String token) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/json",
                                                                     "ce-specversion", "1.0",
                                                                     "ce-id", "announce-1",
                                                                     "ce-source", "/app-chart-migrator",
                                                                     "ce-type", type));
        if (token != null) {
            headers.put("ce-droverauth", token);
        }
        return headers;
    }

    private String status(Api.Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("status").asText();
    }

    @Test
    void anAnnouncementCarryingItsMigratorsTokenIsStoredAndOwnedByThatApp() {
        assertEquals("SUCCESS", status(api.announce(Fixtures.migration("structured"), "app-chart-migrator")));
        JsonNode migration = api.get("/migrations/structured").json();
        assertEquals("Upgrade the service chart", migration.get("name").asText());
        assertEquals("3.0.0", migration.get("steps").get(0).get("config").get("targetVersion").asText());
        assertEquals("app-chart-migrator", migration.get("owner").asText());
        assertEquals(0, migration.get("candidates").get("total").asLong());
    }

    @Test
    void aBinaryCloudEventCarriesTheTokenAsAHeaderExtension() {
        Api.Reply reply = api.sidecar().send(Method.POST, "/registry/announce",
                                             binaryHeaders("dev.drover.migration.announced", TestTrust.migrator("app-chart-migrator")),
                                             Json.bytes(Fixtures.migration("binary")));
        assertEquals("SUCCESS", status(reply));
        assertEquals("app-chart-migrator", api.get("/migrations/binary").json().get("owner").asText());
    }

    @Test
    void anAnnouncementWithoutAMigratorsTokenIsDroppedAndNothingIsStored() {
        assertEquals("DROP", status(api.sidecar().postJson("/registry/announce", Fixtures.migration("plain"))), "plain JSON");
        assertEquals("DROP", status(api.sidecar().send(Method.POST, "/registry/announce",
                                                        binaryHeaders("dev.drover.migration.announced", null),
                                                        Json.bytes(Fixtures.migration("plain")))), "no token");
        assertEquals("DROP", status(api.sidecar().send(Method.POST, "/registry/announce",
                                                        binaryHeaders("dev.drover.migration.announced", TestTrust.operator()),
                                                        Json.bytes(Fixtures.migration("plain")))), "a person's token");
        assertEquals("DROP", status(api.sidecar().send(Method.POST, "/registry/announce",
                                                        binaryHeaders("dev.drover.migration.announced", "not.a.jwt"),
                                                        Json.bytes(Fixtures.migration("plain")))), "garbage");
        assertEquals(404, api.get("/migrations/plain").status());
    }

    /** A structured CloudEvent as daprd delivers a publication, its attributes and data as given. */
    private Api.Reply deliver(Map<String, Object> event) {
        return api.sidecar().send(Method.POST, "/registry/announce", Map.of("Content-Type", "application/cloudevents+json"),
                                  Json.bytes(event));
    }

    /** What daprd delivers for plain JSON published with {@code contentType}: its envelope, type com.dapr.event.sent. */
    private static Map<String, Object> daprEnvelope(String contentType, Object data) {
        Map<String, Object> event = new java.util.LinkedHashMap<>(Map.of(
                "specversion", "1.0", "id", java.util.UUID.randomUUID().toString(), "source", "my-migrator",
                "type", "com.dapr.event.sent", "datacontenttype", contentType, "topic", "migration-registry",
                "pubsubname", "pubsub", "traceid", "", "traceparent", "", "tracestate", ""));
        event.put("time", "2026-12-02T03:00:00Z");
        event.put(contentType.equals("application/octet-stream") ? "data_base64" : "data", data);
        return event;
    }

    /** The migration's definition with the migrator's token in its top-level field droverauth: the plain-JSON form. */
    private static Map<String, Object> plainAnnouncement(String id, String token) {
        Map<String, Object> data = new java.util.LinkedHashMap<>(Json.mapper().convertValue(Fixtures.migration(id), Map.class));
        if (token != null) {
            data.put("droverauth", token);
        }
        return data;
    }

    private JsonNode outcomes(String migrationId) {
        Api.Reply reply = api.as(TestTrust.migrator("app-chart-migrator")).get("/registry/announcements/" + migrationId);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    void plainJsonWrappedByDaprIsAcceptedWithItsTokenInTheDataAndTheTokenIsNotStored() {
        String token = TestTrust.migrator("app-chart-migrator");
        assertEquals("SUCCESS", status(deliver(daprEnvelope("application/json", plainAnnouncement("plain-json", token)))));
        JsonNode stored = api.get("/migrations/plain-json").json();
        assertEquals("app-chart-migrator", stored.get("owner").asText());
        assertEquals(false, stored.has("droverauth"), stored.toString());
        JsonNode outcome = outcomes("plain-json").at("/items/0");
        assertEquals("accepted", outcome.get("outcome").asText());
        assertEquals(true, outcome.get("reason").asText().contains("plain JSON wrapped by Dapr"), outcome.toString());
    }

    @Test
    void everyFormAnSdkCanProduceThroughDaprIsAccepted() throws Exception {
        String token = TestTrust.migrator("app-chart-migrator");
        // Python's publish_event without data_content_type: Dapr wraps the JSON as text/plain, a string.
        assertEquals("SUCCESS", status(deliver(daprEnvelope("text/plain",
                Json.string(plainAnnouncement("as-text", token))))), "text/plain");
        // cloudevent.type=dev.drover.migration.announced as publish metadata: Dapr's envelope with that type.
        Map<String, Object> typed = daprEnvelope("application/json", plainAnnouncement("typed", token));
        typed.put("type", "dev.drover.migration.announced");
        assertEquals("SUCCESS", status(deliver(typed)), "metadata cloudevent.type");
        // rawPayload=true: the subscriber's sidecar wraps the bytes as data_base64, application/octet-stream.
        assertEquals("SUCCESS", status(deliver(daprEnvelope("application/octet-stream", java.util.Base64.getEncoder()
                .encodeToString(Json.bytes(plainAnnouncement("raw", token)))))), "rawPayload");
        // Go's PublishEvent with a struct: a whole CloudEvent, marshalled as application/json, inside Dapr's envelope.
        Map<String, Object> cloudEvent = new java.util.LinkedHashMap<>(Map.of(
                "specversion", "1.0", "id", "go-1", "source", "/my-migrator", "type", "dev.drover.migration.announced",
                "datacontenttype", "application/json", "droverauth", token, "data", Fixtures.migration("nested")));
        assertEquals("SUCCESS", status(deliver(daprEnvelope("application/json", cloudEvent))), "a CloudEvent as JSON");
        for (String id : List.of("as-text", "typed", "raw", "nested")) {
            assertEquals("app-chart-migrator", api.get("/migrations/" + id).json().get("owner").asText(), id);
        }
    }

    /** A whole CloudEvent as an SDK may marshal it into plain JSON: attributes, the migrator's token, and {@code data}. */
    private static Map<String, Object> cloudEventAsJson(String id, String token, String dataField, Object data) {
        Map<String, Object> event = new java.util.LinkedHashMap<>(Map.of(
                "specversion", "1.0", "id", id + "-1", "source", "/my-migrator", "type", "dev.drover.migration.announced",
                "datacontenttype", "application/json", dataField, data));
        if (token != null) {
            event.put("droverauth", token);
        }
        return event;
    }

    @Test
    void aCloudEventInsideDaprsEnvelopeIsReadWhateverFormItsDataTakes() {
        String token = TestTrust.migrator("app-chart-migrator");
        // its data as base64 (data_base64), as JSON text, and the event itself published raw (rawPayload: no Dapr envelope)
        String base64 = java.util.Base64.getEncoder().encodeToString(Json.bytes(Fixtures.migration("inner-base64")));
        assertEquals("SUCCESS", status(deliver(daprEnvelope("application/json", cloudEventAsJson("inner-base64", token, "data_base64", base64)))));
        assertEquals("SUCCESS", status(deliver(daprEnvelope("application/json",
                                                            cloudEventAsJson("inner-text", token, "data", Json.string(Fixtures.migration("inner-text")))))));
        assertEquals("SUCCESS", status(api.sidecar().postJson("/registry/announce",
                                                              cloudEventAsJson("inner-raw", token, "data", Fixtures.migration("inner-raw")))));
        for (String id : List.of("inner-base64", "inner-text", "inner-raw")) {
            JsonNode stored = api.get("/migrations/" + id).json();
            assertEquals("app-chart-migrator", stored.get("owner").asText(), id);
            assertEquals(Fixtures.migration(id).name(), stored.get("name").asText(), id);
        }
        assertTrue(outcomes("inner-raw").at("/items/0/reason").asText().contains("CloudEvent inside plain JSON"), outcomes("inner-raw").toString());
        assertTrue(outcomes("inner-text").at("/items/0/reason").asText().contains("CloudEvent inside Dapr's envelope"));

        // Its token may come on the envelope instead (a binary CloudEvent's extension, kept by Dapr).
        Map<String, Object> tokenOutside = daprEnvelope("application/json", cloudEventAsJson("inner-outside", null, "data",
                                                                                             Fixtures.migration("inner-outside")));
        tokenOutside.put("droverauth", token);
        assertEquals("SUCCESS", status(deliver(tokenOutside)));
        assertEquals("app-chart-migrator", api.get("/migrations/inner-outside").json().get("owner").asText());

        // Data that cannot be read is dropped with the reason, never retried.
        Api.Reply notBase64 = deliver(daprEnvelope("application/json", cloudEventAsJson("inner-bad", token, "data_base64", "%%% not base64")));
        assertEquals("DROP", status(notBase64));
        assertTrue(notBase64.body().contains("data_base64 is not base64"), notBase64.body());
        Api.Reply notAnObject = deliver(daprEnvelope("application/json", cloudEventAsJson("inner-list", token, "data", List.of(1, 2))));
        assertEquals("DROP", status(notAnObject));
        assertEquals(404, api.get("/migrations/inner-bad").status());
    }

    @Test
    void anAnnouncementWithoutAValidTokenIsDroppedAndItsAuthorCanReadWhy() {
        assertEquals("DROP", status(deliver(daprEnvelope("application/json", plainAnnouncement("tokenless", null)))));
        assertEquals(404, api.get("/migrations/tokenless").status());
        JsonNode outcomes = outcomes("tokenless");
        assertEquals(0, outcomes.get("items").size(), "no app is proven, so no app's outcome is written");
        JsonNode unauthenticated = outcomes.get("unauthenticated");
        assertEquals("dropped", unauthenticated.get("outcome").asText());
        assertEquals("unauthenticated_announcement", unauthenticated.get("code").asText());
        assertEquals(true, unauthenticated.get("reason").asText().contains("top-level field droverauth"), unauthenticated.toString());
        assertEquals(true, unauthenticated.get("app").isNull());

        assertEquals("DROP", status(deliver(daprEnvelope("application/json", plainAnnouncement("tokenless", "not.a.jwt")))));
        assertEquals(true, outcomes("tokenless").at("/unauthenticated/reason").asText().contains("refused"));
        // An owner's accepted announcement is not hidden by someone else's unauthenticated one.
        assertEquals("SUCCESS", status(api.announce(Fixtures.migration("tokenless"), "app-chart-migrator")));
        assertEquals("accepted", outcomes("tokenless").at("/items/0/outcome").asText());
    }

    @Test
    void anotherEventTypeWithAValidTokenIsDroppedAndRecorded() {
        Map<String, Object> event = daprEnvelope("application/json", plainAnnouncement("wrong-type", TestTrust.migrator("app-chart-migrator")));
        event.put("type", "dev.drover.migration.deleted");
        assertEquals("DROP", status(deliver(event)));
        JsonNode outcome = outcomes("wrong-type").at("/items/0");
        assertEquals("wrong_event_type", outcome.get("code").asText(), outcome.toString());
        assertEquals(404, api.get("/migrations/wrong-type").status());
    }

    @Test
    void onlyTheDaprSidecarDeliversAnnouncements() {
        Map<String, String> headers = binaryHeaders("dev.drover.migration.announced", TestTrust.migrator("app-chart-migrator"));
        Api.Reply anonymous = api.anonymous().send(Method.POST, "/registry/announce", headers, Json.bytes(Fixtures.migration("direct")));
        assertEquals(401, anonymous.status());
        Api.Reply withBearer = api.send(Method.POST, "/registry/announce", headers, Json.bytes(Fixtures.migration("direct")));
        assertEquals(401, withBearer.status(), "an admin's bearer token is not the sidecar's token");
        Map<String, String> wrongDaprToken = new java.util.HashMap<>(headers);
        wrongDaprToken.put("dapr-api-token", "guess");
        assertEquals(401, api.anonymous().send(Method.POST, "/registry/announce", wrongDaprToken,
                                               Json.bytes(Fixtures.migration("direct"))).status());
        assertEquals(404, api.get("/migrations/direct").status());
        assertEquals(401, api.anonymous().get("/dapr/subscribe").status());
    }

    @Test
    void anotherAppCannotHijackAMigrationByAnnouncingIt() {
        Migration original = Fixtures.migration("hijack");
        assertEquals("SUCCESS", status(api.announce(original, "app-chart-migrator")));
        Migration hijacked = new Migration("hijack", "Hijacked", "", List.of(),
                                           List.of(new dev.drover.contract.model.Step("bump-chart", "", "evil-migrator", "bump-chart", Map.of())),
                                           List.of(), "http://127.0.0.1:9999");
        assertEquals("DROP", status(api.announce(hijacked, "evil-migrator")));

        JsonNode stored = api.get("/migrations/hijack").json();
        assertEquals("Upgrade the service chart", stored.get("name").asText());
        assertEquals("app-chart-migrator", stored.get("steps").get(0).get("migratorApp").asText());
        assertEquals("", stored.get("migratorUrl").asText());
        TestPlatform.drain(PLATFORM);
        JsonNode audit = api.get("/history/audit?migration=hijack&action=announce-refused").json().get("items");
        assertEquals(1, audit.size());
        assertEquals("migrator:evil-migrator", audit.get(0).get("actor").asText());

        // Nor can it submit candidates for it: refused, and the attempt is audited under its name.
        Api.Reply submitted = api.as(TestTrust.migrator("evil-migrator")).postJson("/migrations/hijack/candidates",
                                                                                 List.of(Map.of("id", "planted", "kind", "application")));
        assertEquals(403, submitted.status(), submitted.body());
        assertEquals(404, api.get("/migrations/hijack/candidates/planted").status());
        TestPlatform.drain(PLATFORM);
        JsonNode refusedSubmit = api.get("/history/audit?migration=hijack&action=submit-refused").json().get("items");
        assertEquals(1, refusedSubmit.size(), refusedSubmit.toString());
        assertEquals("migrator:evil-migrator", refusedSubmit.get(0).get("actor").asText());

        // An admin gives it to another app: from then on that app announces it, the old owner does not.
        Api.Reply transfer = api.send(Method.PUT, "/migrations/hijack/owner", Map.of("Content-Type", "application/json"),
                                      "{\"app\":\"evil-migrator\"}".getBytes());
        assertEquals(200, transfer.status(), transfer.body());
        assertEquals("app-chart-migrator", transfer.json().get("previousOwner").asText());
        assertEquals("SUCCESS", status(api.announce(hijacked, "evil-migrator")));
        assertEquals("DROP", status(api.announce(original, "app-chart-migrator")));
        assertEquals("evil-migrator", api.get("/migrations/hijack").json().get("owner").asText());
        TestPlatform.drain(PLATFORM);
        JsonNode transferred = api.get("/history/audit?migration=hijack&action=transfer-owner").json().get("items");
        assertEquals(1, transferred.size());
        // the previous owner, which only the transfer script knew, is in the entry's detail
        assertEquals("app-chart-migrator", transferred.get(0).get("detail").get("previousOwner").asText());
        assertEquals("evil-migrator", transferred.get(0).get("detail").get("owner").asText());
    }

    @Test
    void onlyAnAdminTransfersOwnership() {
        assertEquals("SUCCESS", status(api.announce(Fixtures.migration("kept"), "app-chart-migrator")));
        for (String token : List.of(TestTrust.operator(), TestTrust.migrator("app-chart-migrator"), TestTrust.migrator("evil"))) {
            Api.Reply reply = api.as(token).send(Method.PUT, "/migrations/kept/owner", Map.of("Content-Type", "application/json"),
                                                 "{\"app\":\"evil\"}".getBytes());
            assertEquals(403, reply.status(), reply.body());
        }
        assertEquals("app-chart-migrator", api.get("/migrations/kept").json().get("owner").asText());
        assertEquals(404, api.send(Method.PUT, "/migrations/nowhere/owner", Map.of("Content-Type", "application/json"),
                                   "{\"app\":\"evil\"}".getBytes()).status());
    }

    @Test
    void aMigratorUrlOutsideTheAllowlistIsDropped() {
        Migration scanner = Fixtures.migration("ssrf").withMigratorUrl("http://169.254.169.254/latest");
        assertEquals("DROP", status(api.announce(scanner, "app-chart-migrator")));
        assertEquals(404, api.get("/migrations/ssrf").status());
        Migration query = Fixtures.migration("ssrf").withMigratorUrl("http://127.0.0.1:8080/?x=");
        assertEquals("DROP", status(api.announce(query, "app-chart-migrator")), "a query could move the dry-run's path");
        assertEquals("SUCCESS", status(api.announce(Fixtures.migration("ssrf").withMigratorUrl("http://127.0.0.1:8091"),
                                                    "app-chart-migrator")));
    }

    @Test
    void reannouncingReplacesTheDefinitionButKeepsCreatedAtOwnerAndCandidates() throws InterruptedException {
        api.announce(Fixtures.migration("upsert"), "app-chart-migrator");
        JsonNode first = api.get("/migrations/upsert").json();
        api.as(TestTrust.migrator("app-chart-migrator"))
                .postJson("/migrations/upsert/candidates", List.of(Fixtures.candidate("checkout", Map.of("team", "payments"))));

        Thread.sleep(5); // so a wrongly rewritten createdAt would differ
        var changed = new Migration("upsert", "Renamed", "", List.of(), List.of(Fixtures.migration("x").steps().getFirst()), List.of());
        assertEquals("SUCCESS", status(api.announce(changed, "app-chart-migrator")));

        JsonNode second = api.get("/migrations/upsert").json();
        assertEquals("Renamed", second.get("name").asText());
        assertEquals(1, second.get("steps").size());
        assertEquals("app-chart-migrator", second.get("owner").asText());
        assertEquals(first.get("createdAt").asText(), second.get("createdAt").asText());
        assertNotEquals(first.get("updatedAt").asText(), second.get("updatedAt").asText());
        assertEquals(1, second.get("candidates").get("total").asLong());
        assertEquals(200, api.get("/migrations/upsert/candidates/checkout").status());
    }

    @Test
    void invalidAnnouncementIsDroppedNotRetried() {
        // A missing name can never be stored: redelivering would fail forever, so DROP (200 for Knative too).
        Api.Reply reply = api.sidecar().send(Method.POST, "/registry/announce",
                                             binaryHeaders("dev.drover.migration.announced", TestTrust.migrator("app-chart-migrator")),
                                             "{\"id\":\"broken\",\"steps\":[{\"name\":\"a\",\"migratorApp\":\"m\"}]}".getBytes());
        assertEquals("DROP", status(reply));
        assertEquals(404, api.get("/migrations/broken").status());
        assertEquals("DROP", status(api.sidecar().post("/registry/announce", "not json")));
    }

    @Test
    void cloudEventOfAnotherTypeIsDropped() {
        Api.Reply reply = api.sidecar().send(Method.POST, "/registry/announce",
                                             binaryHeaders("com.example.unrelated", TestTrust.migrator("app-chart-migrator")),
                                             Json.bytes(Fixtures.migration("unrelated")));
        assertEquals("DROP", status(reply));
        assertEquals(404, api.get("/migrations/unrelated").status());
    }

    @Test
    void daprLearnsTheSubscriptionFromTheApp() {
        JsonNode subscriptions = api.sidecar().get("/dapr/subscribe").json();
        Map<String, String> routes = new java.util.HashMap<>();
        subscriptions.forEach(s -> {
            assertEquals("pubsub", s.get("pubsubname").asText());
            routes.put(s.get("topic").asText(), s.get("route").asText());
        });
        assertEquals(Map.of("migration-registry", "/registry/announce", "migration-steps", "/relay/steps"), routes);
    }

    @Test
    void thePlatformsKeysArePublicOnlyAndOnlyForCallersWithAnIdentity() throws Exception {
        Api.Reply keys = api.as(TestTrust.migrator("app-chart-migrator")).get("/platform/keys");
        assertEquals(200, keys.status(), keys.body());
        JsonNode key = keys.json().get("keys").get(0);
        assertEquals("EC", key.get("kty").asText());
        assertEquals(TestTrust.KEYS.publicKeys().getKeys().getFirst().getKeyID(), key.get("kid").asText());
        assertEquals(false, key.has("d"), "the private scalar never leaves the platform: " + keys.body());
        assertEquals(401, api.anonymous().get("/platform/keys").status());
        assertEquals(403, api.as(TestTrust.ISSUER.userToken("nobody", java.util.Optional.empty())).get("/platform/keys").status());
    }
}
