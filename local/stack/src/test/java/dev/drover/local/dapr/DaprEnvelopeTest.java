package dev.drover.local.dapr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event Dapr would deliver for each kind of publication (components-contrib pubsub/envelope.go). */
class DaprEnvelopeTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");
    private static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final TraceContext SPAN = TraceContext.of(PARENT, "vendor=1");

    private static ObjectNode build(String contentType, String data, Map<String, String> metadata) {
        return DaprEnvelope.build(new Publication("pubsub", "orders", data.getBytes(StandardCharsets.UTF_8), contentType,
                                                  metadata, SPAN), "publisher-app", NOW);
    }

    @Test
    void jsonDataIsInlineInDaprsEnvelope() {
        ObjectNode event = build("application/json", "{\"n\": 1.50, \"big\": 12345678901234567890}", Map.of());
        assertEquals("1.0", event.path("specversion").asText());
        assertEquals("com.dapr.event.sent", event.path("type").asText());
        assertEquals("publisher-app", event.path("source").asText());
        assertEquals("application/json", event.path("datacontenttype").asText());
        assertEquals("orders", event.path("topic").asText());
        assertEquals("pubsub", event.path("pubsubname").asText());
        assertEquals("2026-03-01T10:15:30Z", event.path("time").asText());
        assertEquals(36, event.path("id").asText().length(), "a UUID");
        assertTrue(event.path("data").isObject());
        // Numbers as published: no rounding through double, no trailing zeros stripped.
        assertEquals("{\"n\":1.50,\"big\":12345678901234567890}", event.path("data").toString());
    }

    @Test
    void jsonThatDoesNotParseIsDeliveredAsText() {
        assertEquals("{not json", build("application/json; charset=utf-8", "{not json", Map.of()).path("data").asText());
    }

    @Test
    void noContentTypeMeansTextPlain() {
        ObjectNode event = build("", "hello", Map.of());
        assertEquals("text/plain", event.path("datacontenttype").asText());
        assertEquals("hello", event.path("data").asText());
    }

    @Test
    void octetStreamGoesToDataBase64() {
        ObjectNode event = build("application/octet-stream", "\u0001\u0002", Map.of());
        assertFalse(event.has("data"));
        assertEquals(Base64.getEncoder().encodeToString(new byte[] {1, 2}), event.path("data_base64").asText());
    }

    @Test
    void metadataOverridesEnvelopeAttributesIgnoringCase() {
        ObjectNode event = build("text/plain", "x", Map.of("cloudevent.id", "my-id", "CloudEvent.Type", "my.type",
                                                           "cloudevent.source", "my-source", "cloudevent.subject", "my-subject",
                                                           "cloudevent.traceparent", "00-abc-def-01",
                                                           "cloudevent.droverauth", "no extension can be added"));
        assertEquals("my-subject", event.path("subject").asText());
        assertFalse(event.has("droverauth"), "Dapr's envelope takes no extension from metadata");
        assertEquals("my-id", event.path("id").asText());
        assertEquals("my.type", event.path("type").asText());
        assertEquals("my-source", event.path("source").asText());
        assertEquals("00-abc-def-01", event.path("traceparent").asText());
        assertEquals("00-abc-def-01", event.path("traceid").asText());
    }

    @Test
    void aPublishedCloudEventPassesThroughWithTopicAndPubsub() {
        String published = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/runs\",\"type\":\"step.dispatched\","
                + "\"migratorapp\":\"chart-migrator\",\"datacontenttype\":\"application/json\",\"data\":{\"a\":1}}";
        ObjectNode event = build("application/cloudevents+json", published,
                                 Map.of("cloudevent.id", "ignored for a CloudEvent"));
        assertEquals("e-1", event.path("id").asText());
        assertEquals("/runs", event.path("source").asText());
        assertEquals("step.dispatched", event.path("type").asText());
        assertEquals("chart-migrator", event.path("migratorapp").asText());
        assertEquals("{\"a\":1}", event.path("data").toString());
        assertEquals("orders", event.path("topic").asText());
        assertEquals("pubsub", event.path("pubsubname").asText());
        assertEquals("2026-03-01T10:15:30Z", event.path("time").asText(), "time added when missing");
    }

    @Test
    void everyEventCarriesThePublishCallsSpanAChildOfThePublishersAndAPassedThroughOneLosesItsOwn() {
        String published = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/s\",\"type\":\"t\","
                + "\"traceparent\":\"00-11111111111111111111111111111111-2222222222222222-01\",\"data\":{}}";
        for (ObjectNode event : java.util.List.of(build("application/cloudevents+json", published, Map.of()),
                                                  build("application/json", "{}", Map.of()))) {
            String traceparent = event.path("traceparent").asText();
            assertTrue(traceparent.startsWith("00-0af7651916cd43dd8448eb211c80319c-"), "the publisher's trace: " + event);
            assertFalse(traceparent.contains("b7ad6b7169203331"), "a span of its own, the publisher's as parent");
            assertTrue(traceparent.endsWith("-01"));
            assertEquals(traceparent, event.path("traceid").asText());
            assertEquals("vendor=1", event.path("tracestate").asText());
        }
        TraceContext root = TraceContext.of(null, "orphan=1");
        assertTrue(root.traceparent().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"), root.traceparent());
        assertEquals("", root.tracestate());
        String unreadable = TraceContext.of("00-garbage", "x=1").traceparent();
        assertTrue(unreadable.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"), "a new trace for an unreadable traceparent: " + unreadable);
        assertFalse(root.traceparent().equals(TraceContext.of(null, null).traceparent()), "each root is a new trace");
    }

    @Test
    void aPassedThroughEventGetsDaprsDefaultsForMissingAttributes() {
        ObjectNode event = build("application/cloudevents+json", "{\"id\":\"e-2\",\"time\":\"2020-01-01T00:00:00Z\"}", Map.of());
        assertEquals("Dapr", event.path("source").asText());
        assertEquals("com.dapr.event.sent", event.path("type").asText());
        assertEquals("1.0", event.path("specversion").asText());
        assertEquals("2020-01-01T00:00:00Z", event.path("time").asText(), "the publisher's time is kept");
    }

    @Test
    void aCloudEventContentTypeWithoutAJsonObjectIsRefused() {
        PublishRefused refused = assertThrows(PublishRefused.class,
                                              () -> build("application/cloudevents+json", "[1,2]", Map.of()));
        assertEquals(PublishRefused.Reason.CLOUD_EVENT, refused.reason());
        assertThrows(PublishRefused.class, () -> build("application/cloudevents+json", "nope", Map.of()));
    }

    @Test
    void ttlSetsAnExpirationAndExpiredEventsAreRecognised() {
        ObjectNode event = build("text/plain", "x", Map.of("ttlInSeconds", "60"));
        assertEquals("2026-03-01T10:16:30Z", event.path("expiration").asText());
        assertFalse(DaprEnvelope.expired(event, NOW.plusSeconds(59)));
        assertTrue(DaprEnvelope.expired(event, NOW.plusSeconds(61)));
        assertFalse(build("text/plain", "x", Map.of("ttlInSeconds", "soon")).has("expiration"), "an unreadable TTL is ignored");
    }

    @Test
    void rawPayloadIsHandedOverAsDaprWrapsARawMessage() {
        ObjectNode event = build("application/json", "{\"raw\":true}", Map.of("rawPayload", "true"));
        assertEquals("application/octet-stream", event.path("datacontenttype").asText());
        assertEquals("{\"raw\":true}", new String(Base64.getDecoder().decode(event.path("data_base64").asText()),
                                                  StandardCharsets.UTF_8));
    }
}
