package dev.drover.functions.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.event.Announcement;
import dev.drover.core.event.EventDelivery;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.InvalidInput;
import io.cloudevents.CloudEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * An announcement in whichever form Dapr delivered it, read into one shape. A migrator in any language publishes
 * one of these, and daprd turns each into a CloudEvent of its own making:
 * <ul>
 *     <li>a CloudEvent ({@code application/cloudevents+json}): passed through, extensions kept, so the token is
 *     the extension {@value Announcement#TOKEN_EXTENSION};</li>
 *     <li>plain JSON ({@code application/json}): wrapped by Dapr (type {@value #DAPR_TYPE} unless the publisher sets
 *     {@code cloudevent.type}); Dapr adds no extension a publisher chooses, so the token is the data's top-level
 *     field {@value Announcement#TOKEN_EXTENSION}. Without a content type Dapr wraps the JSON as text: the same;</li>
 *     <li>a raw payload ({@code rawPayload=true}): the subscriber's sidecar wraps the bytes as {@code data_base64};
 *     they are read as either of the forms above;</li>
 *     <li>a CloudEvent that an SDK sent as plain JSON (the Go SDK marshals a struct as {@code application/json}
 *     whatever content type it was given): Dapr's envelope around it is taken off.</li>
 * </ul>
 *
 * @param type  the CloudEvent type the announcement carries: {@value Announcement#TYPE}, or Dapr's {@value #DAPR_TYPE}
 * @param token the migrator's token, when it carries one
 * @param data  the migration's definition, without the token
 * @param form  how it came, for the log and the recorded reason
 */
record DeliveredAnnouncement(String type, Optional<String> token, ObjectNode data, String form) {
    /** The type Dapr gives an event it wraps. */
    static final String DAPR_TYPE = "com.dapr.event.sent";

    static DeliveredAnnouncement read(EventDelivery delivery) {
        if (delivery.event().isEmpty()) {
            // Not through Dapr (a subscription with rawPayload delivers the bytes as they were published).
            return unwrap(null, Optional.empty(), json(delivery.data()), "plain JSON");
        }
        CloudEvent event = delivery.event().get();
        Optional<String> token = Optional.ofNullable(event.getExtension(Announcement.TOKEN_EXTENSION)).map(Object::toString);
        String form = DAPR_TYPE.equals(event.getType()) ? "plain JSON wrapped by Dapr" : "CloudEvent";
        return unwrap(event.getType(), token, json(delivery.data()), form);
    }

    private static DeliveredAnnouncement unwrap(String type, Optional<String> token, ObjectNode data, String form) {
        if ((type == null || DAPR_TYPE.equals(type)) && looksLikeCloudEvent(data)) {
            ObjectNode inner = data;
            Optional<String> innerToken = text(inner, Announcement.TOKEN_EXTENSION);
            return unwrap(inner.path("type").asText(), innerToken.or(() -> token), innerData(inner),
                          "CloudEvent inside " + (type == null ? "plain JSON" : "Dapr's envelope"));
        }
        Optional<String> inData = text(data, Announcement.TOKEN_EXTENSION);
        data.remove(Announcement.TOKEN_EXTENSION);
        return new DeliveredAnnouncement(type == null ? DAPR_TYPE : type, token.or(() -> inData), data, form);
    }

    private static boolean looksLikeCloudEvent(ObjectNode data) {
        return data.path("specversion").isTextual() && data.path("type").isTextual()
                && (data.has("data") || data.has("data_base64"));
    }

    private static ObjectNode innerData(ObjectNode event) {
        JsonNode base64 = event.get("data_base64");
        if (base64 != null && base64.isTextual()) {
            try {
                return json(Base64.getDecoder().decode(base64.asText()));
            } catch (IllegalArgumentException e) {
                throw new InvalidInput("malformed_event", "the announcement's data_base64 is not base64: " + e.getMessage());
            }
        }
        JsonNode data = event.get("data");
        if (data instanceof ObjectNode object) {
            return object;
        }
        return data != null && data.isTextual() ? json(data.asText().getBytes(StandardCharsets.UTF_8))
                                                : notAnObject();
    }

    /** The data as a JSON object; JSON that Dapr passed on as a string (text/plain, or JSON it could not read) is read too. */
    private static ObjectNode json(byte[] bytes) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidInput("malformed_announcement", "the announcement's data is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInput("malformed_announcement", "the announcement's data is not JSON: " + e.getMessage());
        }
        if (node != null && node.isTextual()) {
            return json(node.asText().getBytes(StandardCharsets.UTF_8));
        }
        return node instanceof ObjectNode object ? object : notAnObject();
    }

    private static ObjectNode notAnObject() {
        throw new InvalidInput("malformed_announcement", "the announcement's data is not a JSON object (the migration's definition)");
    }

    private static Optional<String> text(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** The migration id the data names, or empty when it names none that could key a recorded outcome. */
    String migrationId() {
        return data.path("id").isTextual() ? data.get("id").asText() : "";
    }
}
