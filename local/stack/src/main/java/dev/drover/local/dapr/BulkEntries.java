package dev.drover.local.dapr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the body of HTTP bulk publish ({@code [{"entryId", "event", "contentType", "metadata"}]}) as daprd does: field
 * names in any case (Go's JSON decoder; {@code @dapr/dapr} sends {@code entryID}), each entry's event turned into
 * bytes by its content type (daprd's {@code ConvertEventToBytes}): JSON content types marshal the JSON value,
 * {@code text/*} takes a string, {@code application/octet-stream} a base64 string; every entry needs an id of its own.
 */
final class BulkEntries {
    private BulkEntries() {
    }

    /** @throws PublishRefused {@code ERR_PUBSUB_EVENTS_SER} when the body or an entry cannot be read */
    static List<BulkEntry> read(byte[] body) {
        JsonNode entries;
        try {
            entries = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw refused("error when unmarshaling the request: " + e.getMessage());
        }
        if (entries == null || !entries.isArray()) {
            throw refused("error when unmarshaling the request: the body is not a JSON array of entries");
        }
        List<BulkEntry> read = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode node : entries) {
            if (!(node instanceof ObjectNode entry)) {
                throw refused("error when unmarshaling the request: an entry is not a JSON object");
            }
            String contentType = field(entry, "contentType").filter(JsonNode::isTextual).map(JsonNode::asText).orElse("");
            String id = field(entry, "entryId").filter(JsonNode::isTextual).map(JsonNode::asText).orElse("");
            byte[] event = bytes(field(entry, "event").orElse(null), contentType);
            if (id.isEmpty() || !ids.add(id)) {
                throw refused("entryId is duplicated or not present for entry");
            }
            read.add(new BulkEntry(id, event, contentType, field(entry, "metadata").filter(JsonNode::isObject).map(BulkEntries::strings)
                    .orElse(null)));
        }
        return read;
    }

    private static byte[] bytes(JsonNode event, String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        if (DaprEnvelope.isContentType(type, "application/octet-stream")) {
            if (event == null || !event.isTextual()) {
                throw refused("error: mismatch between contentType and event");
            }
            try {
                return Base64.getDecoder().decode(event.asText());
            } catch (IllegalArgumentException e) {
                throw refused("error: unable to decode base64 application/octect-stream data: " + e.getMessage());
            }
        }
        if (type.startsWith("text/")) {
            if (event == null || !event.isTextual()) {
                throw refused("error: mismatch between contentType and event");
            }
            return event.asText().getBytes(StandardCharsets.UTF_8);
        }
        if (DaprEnvelope.isContentType(type, "application/json") || type.split(";")[0].trim().endsWith("+json")) {
            return Json.bytes(event == null ? Json.mapper().nullNode() : event);
        }
        throw refused("error: mismatch between contentType and event");
    }

    private static Optional<JsonNode> field(ObjectNode entry, String name) {
        for (Map.Entry<String, JsonNode> member : entry.properties()) {
            if (member.getKey().equalsIgnoreCase(name)) {
                return Optional.of(member.getValue());
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.properties().forEach(member -> map.put(member.getKey(), member.getValue().asText()));
        return map;
    }

    private static PublishRefused refused(String message) {
        return new PublishRefused(PublishRefused.Reason.EVENTS_SER, message);
    }
}
