package dev.drover.local.dapr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The CloudEvent Dapr delivers for one publication, built once at publish time (so every redelivery
 * carries the same id) the way the real sidecar builds it: dapr/dapr {@code pkg/runtime/pubsub/cloudevents.go}
 * and components-contrib {@code pubsub/envelope.go}.
 * <ul>
 *     <li>content type {@code application/cloudevents+json}: the publisher's own event, passed through with
 *     its extensions, with {@code topic}, {@code pubsubname} and the publish call's trace context
 *     ({@code traceid}, {@code traceparent}, {@code tracestate}) set, and {@code time}, {@code source} ("Dapr"),
 *     {@code type} and {@code specversion} filled in when missing; {@code cloudevent.*} metadata is ignored;</li>
 *     <li>anything else: wrapped in Dapr's envelope, type {@code com.dapr.event.sent}, the data inline
 *     as JSON for {@code application/json} (a string if it does not parse), base64 in {@code data_base64}
 *     for {@code application/octet-stream}, a string otherwise; the publish call's trace context; metadata
 *     {@code cloudevent.id}, {@code .source}, {@code .type}, {@code .subject}, {@code .traceid},
 *     {@code .traceparent}, {@code .tracestate} override the envelope's attributes, and no other attribute or
 *     extension can be added;</li>
 *     <li>metadata {@code rawPayload=true}: the bytes as Dapr hands a raw payload to a subscriber,
 *     {@code data_base64} with content type {@code application/octet-stream};</li>
 *     <li>metadata {@code ttlInSeconds}: an {@code expiration} attribute; an expired event is not delivered.</li>
 * </ul>
 */
final class DaprEnvelope {
    static final String CLOUD_EVENT_CONTENT_TYPE = "application/cloudevents+json";
    static final String DEFAULT_TYPE = "com.dapr.event.sent";
    static final String DEFAULT_CONTENT_TYPE = "text/plain";
    /** Dapr's source for a passed-through event without one, and for a raw payload. */
    static final String DAPR_SOURCE = "Dapr";
    static final String EXPIRATION = "expiration";

    /** Keeps numbers exactly as published (Dapr decodes with UseNumber for the same reason). */
    private static final ObjectReader PRECISE = Json.mapper().reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    private static final Set<String> TRUTHY = Set.of("true", "1", "yes", "on", "y");
    /** Go's time.RFC3339, the format of Dapr's {@code time} and {@code expiration}. */
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private DaprEnvelope() {
    }

    /**
     * @param publication   what was published
     * @param defaultSource the envelope's {@code source} when no {@code cloudevent.source} is given
     *                      (the real sidecar uses its app id; one stand-in serves many apps)
     * @param now           the publication time
     * @throws PublishRefused when a content type of {@code application/cloudevents+json} holds no JSON object
     */
    static ObjectNode build(Publication publication, String defaultSource, Instant now) {
        String contentType = publication.contentType() == null ? "" : publication.contentType();
        if (TRUTHY.contains(publication.metadata().getOrDefault("rawPayload", "").toLowerCase(Locale.ROOT))) {
            return rawPayload(publication);
        }
        ObjectNode event = isContentType(contentType, CLOUD_EVENT_CONTENT_TYPE)
                ? passThrough(publication, now)
                : envelope(publication, contentType, defaultSource, now);
        ttl(publication.metadata()).ifPresent(ttl -> event.put(EXPIRATION, time(now.plus(ttl))));
        return event;
    }

    /** True when the event carries an {@code expiration} that has passed; Dapr then drops it. */
    static boolean expired(JsonNode event, Instant now) {
        JsonNode expiration = event.get(EXPIRATION);
        if (expiration == null || !expiration.isTextual() || expiration.asText().isEmpty()) {
            return false;
        }
        try {
            return RFC3339.parse(expiration.asText(), Instant::from).isBefore(now);
        } catch (RuntimeException e) {
            return false; // like Dapr: an expiration it cannot read never expires
        }
    }

    private static ObjectNode passThrough(Publication publication, Instant now) {
        JsonNode published;
        try {
            published = PRECISE.readTree(publication.data());
        } catch (IOException e) {
            throw new PublishRefused(PublishRefused.Reason.CLOUD_EVENT,
                                     "cannot create cloudevent: the data is not JSON: " + firstLine(e));
        }
        if (!(published instanceof ObjectNode event)) {
            throw new PublishRefused(PublishRefused.Reason.CLOUD_EVENT,
                                     "cannot create cloudevent: the data is not a JSON object");
        }
        if (isMissing(event, "time")) {
            event.put("time", time(now));
        }
        event.put("traceid", publication.trace().traceparent());
        event.put("traceparent", publication.trace().traceparent());
        event.put("tracestate", publication.trace().tracestate());
        event.put("topic", publication.topic());
        event.put("pubsubname", publication.pubsub());
        if (isMissing(event, "source")) {
            event.put("source", DAPR_SOURCE);
        }
        if (isMissing(event, "type")) {
            event.put("type", DEFAULT_TYPE);
        }
        if (isMissing(event, "specversion")) {
            event.put("specversion", "1.0");
        }
        return event;
    }

    private static ObjectNode envelope(Publication publication, String contentType, String defaultSource, Instant now) {
        Map<String, String> overrides = cloudEventOverrides(publication.metadata());
        String dataContentType = contentType.isEmpty() ? DEFAULT_CONTENT_TYPE : contentType;
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", overrides.getOrDefault("id", UUID.randomUUID().toString()));
        event.put("source", overrides.getOrDefault("source", defaultSource));
        event.put("type", overrides.getOrDefault("type", DEFAULT_TYPE));
        event.put("datacontenttype", dataContentType);
        event.put("time", time(now));
        event.put("topic", publication.topic());
        event.put("pubsubname", publication.pubsub());
        // Dapr sends traceid and traceparent with the same value: the call's span, unless overridden (traceparent wins).
        String trace = overrides.getOrDefault("traceparent", overrides.getOrDefault("traceid", publication.trace().traceparent()));
        event.put("traceid", trace);
        event.put("traceparent", trace);
        event.put("tracestate", overrides.getOrDefault("tracestate", publication.trace().tracestate()));
        Optional.ofNullable(overrides.get("subject")).ifPresent(subject -> event.put("subject", subject));
        byte[] data = publication.data();
        if (isContentType(dataContentType, "application/json")) {
            event.set("data", jsonOrString(data));
        } else if (isContentType(dataContentType, "application/octet-stream")) {
            event.put("data_base64", Base64.getEncoder().encodeToString(data));
        } else {
            event.put("data", new String(data, StandardCharsets.UTF_8));
        }
        return event;
    }

    private static ObjectNode rawPayload(Publication publication) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", DAPR_SOURCE);
        event.put("type", DEFAULT_TYPE);
        event.put("datacontenttype", "application/octet-stream");
        event.put("topic", publication.topic());
        event.put("pubsubname", publication.pubsub());
        event.put("data_base64", Base64.getEncoder().encodeToString(publication.data()));
        return event;
    }

    private static JsonNode jsonOrString(byte[] data) {
        try {
            JsonNode node = PRECISE.readTree(data);
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (IOException e) {
            // Dapr falls back to the text, as below
        }
        return Json.mapper().getNodeFactory().textNode(new String(data, StandardCharsets.UTF_8));
    }

    /** {@code cloudevent.<attr>} metadata, matched without regard to case as Dapr's decoder does. */
    private static Map<String, String> cloudEventOverrides(Map<String, String> metadata) {
        Map<String, String> overrides = new HashMap<>();
        metadata.forEach((key, value) -> {
            String lower = key.toLowerCase(Locale.ROOT);
            if (lower.startsWith("cloudevent.") && value != null && !value.isEmpty()) {
                String attribute = lower.substring("cloudevent.".length());
                if (Set.of("id", "source", "type", "subject", "traceid", "traceparent", "tracestate").contains(attribute)) {
                    overrides.put(attribute, value);
                }
            }
        });
        return overrides;
    }

    private static Optional<Duration> ttl(Map<String, String> metadata) {
        String value = metadata.get("ttlInSeconds");
        if (value == null) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds > 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // Dapr ignores a TTL it cannot read
        }
    }

    /** Dapr's content type test: the media type, ignoring case and parameters. */
    static boolean isContentType(String contentType, String expected) {
        String lower = contentType.toLowerCase(Locale.ROOT);
        int semicolon = lower.indexOf(';');
        return (semicolon < 0 ? lower : lower.substring(0, semicolon)).trim().equals(expected);
    }

    private static boolean isMissing(ObjectNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull();
    }

    private static String time(Instant instant) {
        return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    private static String firstLine(IOException e) {
        String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
