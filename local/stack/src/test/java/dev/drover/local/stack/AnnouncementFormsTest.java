package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.drover.contract.event.Announcement;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import io.dapr.client.domain.PublishEventRequest;
import io.dapr.v1.DaprGrpc;
import io.dapr.v1.DaprPubsubProtos;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every form a migrator in any language can announce in, published for real through the Dapr stand-in's HTTP and
 * gRPC APIs (as the official SDKs send them) and delivered to the registry: each ends accepted, owned by the token's
 * app, or dropped and recorded with a reason its author can act on ({@code GET /registry/announcements/{id}}).
 */
class AnnouncementFormsTest {
    private static final String APP = "polyglot-migrator";
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** What @dapr/dapr 3.18.0's HTTPClient sends as user-agent (implementation/Client/HTTPClient/HTTPClient.js). */
    private static final String JS_USER_AGENT = "dapr-sdk-js/v3.18.0 http/1";

    private static LocalStack stack;
    private static StackApi api;
    private static ManagedChannel channel;
    private static DaprGrpc.DaprBlockingStub grpc;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.withoutDemo();
        api = new StackApi(stack);
        // A bare gRPC client, as the Python and Go SDKs are: it sends exactly the request built here.
        channel = NettyChannelBuilder.forTarget(stack.daprGrpcEndpoint()).usePlaintext().build();
        Metadata token = new Metadata();
        token.put(Metadata.Key.of("dapr-api-token", Metadata.ASCII_STRING_MARSHALLER), stack.daprApiToken());
        grpc = DaprGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token));
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        TestStacks.stop(stack);
    }

    private static Migration migration(String id) {
        return new Migration(id, "Rename " + id, "", List.of(), List.of(new Step("rename", "", APP, "rename", Map.of())), List.of(), "");
    }

    private static String token() {
        return stack.issuer().migratorToken(APP);
    }

    /** The plain-JSON form: the definition, the token in its top-level field droverauth. */
    private static Map<String, Object> plain(String id, String token) {
        Map<String, Object> body = new LinkedHashMap<>(Json.mapper().convertValue(migration(id), Map.class));
        if (token != null) {
            body.put(Announcement.TOKEN_EXTENSION, token);
        }
        return body;
    }

    /** The CloudEvent form: the definition as data, the token in the extension droverauth. */
    private static Map<String, Object> cloudEvent(String id, String token) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", "/" + APP);
        event.put("type", Announcement.TYPE);
        event.put("datacontenttype", "application/json");
        event.put(Announcement.TOKEN_EXTENSION, token);
        event.put("data", migration(id));
        return event;
    }

    /** {@code client.pubsub.publish("pubsub", "migration-registry", body, {metadata})} of @dapr/dapr's HTTP client, byte for byte. */
    private HttpResponse<String> jsPublish(Map<String, Object> body, String contentType, String query) throws Exception {
        URI uri = URI.create(stack.daprHttpEndpoint() + "/v1.0/publish/" + LocalStack.PUBSUB + "/" + Announcement.TOPIC + "?" + query);
        return http.send(HttpRequest.newBuilder(uri)
                                 .header("dapr-api-token", stack.daprApiToken())
                                 .header("user-agent", JS_USER_AGENT)
                                 .header("Content-Type", contentType)
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static void grpcPublish(byte[] data, String contentType, Map<String, String> metadata) {
        grpc.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS).publishEvent(DaprPubsubProtos.PublishEventRequest.newBuilder()
                .setPubsubName(LocalStack.PUBSUB).setTopic(Announcement.TOPIC)
                .setData(ByteString.copyFrom(data)).setDataContentType(contentType).putAllMetadata(metadata).build());
    }

    private static void awaitOwned(String id) throws Exception {
        api.await(id + " stored as " + APP + "'s", "/migrations/" + id, PATIENCE, m -> APP.equals(m.path("owner").asText()));
        JsonNode outcome = api.get("/registry/announcements/" + id).path("items").path(0);
        assertEquals("accepted", outcome.path("outcome").asText(), outcome.toString());
    }

    @Test
    void overHttpAsTheJavaScriptSdkSendsThemEveryFormIsAccepted() throws Exception {
        // A JS object with id, source, type and specversion: the SDK sends it as application/cloudevents+json.
        assertEquals(204, jsPublish(cloudEvent("js-cloud-event", token()), "application/cloudevents+json", "").statusCode());
        // Any other object: application/json, which Dapr wraps.
        assertEquals(204, jsPublish(plain("js-plain", token()), "application/json", "").statusCode());
        // With {metadata: {"cloudevent.type": ...}}: Dapr's envelope takes that type.
        assertEquals(204, jsPublish(plain("js-typed", token()), "application/json",
                                    "metadata.cloudevent.type=" + Announcement.TYPE).statusCode());
        // With {metadata: {rawPayload: "true"}}: the bytes as published, base64 in the delivered event.
        assertEquals(204, jsPublish(plain("js-raw", token()), "application/json", "metadata.rawPayload=true").statusCode());
        for (String id : List.of("js-cloud-event", "js-plain", "js-typed", "js-raw")) {
            awaitOwned(id);
        }
    }

    @Test
    void overGrpcAsTheJavaPythonAndGoSdksSendThemEveryFormIsAccepted() throws Exception {
        // Java's DaprClient: a Map is serialized as application/json.
        stack.daprClient().publishEvent(LocalStack.PUBSUB, Announcement.TOPIC, plain("java-plain", token())).block(PATIENCE);
        // Java's DaprClient, a serialized CloudEvent with its content type.
        stack.daprClient().publishEvent(new PublishEventRequest(LocalStack.PUBSUB, Announcement.TOPIC, Json.bytes(cloudEvent("java-cloud-event", token())))
                                                .setContentType("application/cloudevents+json")).block(PATIENCE);
        // Python's publish_event(data=json.dumps(...)) without data_content_type: an empty content type, text to Dapr.
        grpcPublish(Json.bytes(plain("python-text", token())), "", Map.of());
        // Go's PublishEvent(ctx, "pubsub", topic, event) with a struct: marshalled as application/json, whatever option was given.
        grpcPublish(Json.bytes(cloudEvent("go-struct", token())), "application/json", Map.of());
        for (String id : List.of("java-plain", "java-cloud-event", "python-text", "go-struct")) {
            awaitOwned(id);
        }
    }

    @Test
    void anAnnouncementWithoutATokenIsRecordedAsDroppedWithWhereTheTokenGoes() throws Exception {
        assertEquals(204, jsPublish(plain("no-token", null), "application/json", "").statusCode(),
                     "Dapr accepts the publication: the platform reads it later");
        JsonNode outcomes = api.await("the recorded drop", "/registry/announcements/no-token", PATIENCE,
                                      o -> !o.path("unauthenticated").isNull() && o.has("unauthenticated"));
        JsonNode dropped = outcomes.get("unauthenticated");
        assertEquals("unauthenticated_announcement", dropped.get("code").asText());
        assertTrue(dropped.get("reason").asText().contains("droverauth"), dropped.toString());
        assertEquals(null, api.get("/migrations/no-token"), "nothing stored");
    }

    @Test
    void anotherEventTypeIsRecordedAsDroppedForItsApp() throws Exception {
        Map<String, Object> event = cloudEvent("wrong-type", token());
        event.put("type", "dev.drover.migration.created");
        grpcPublish(Json.bytes(event), "application/cloudevents+json", Map.of());
        JsonNode outcome = api.await("the recorded drop", "/registry/announcements/wrong-type", PATIENCE,
                                     o -> o.path("items").size() == 1).get("items").get(0);
        assertEquals(APP, outcome.get("app").asText());
        assertEquals("wrong_event_type", outcome.get("code").asText(), outcome.toString());
    }
}
