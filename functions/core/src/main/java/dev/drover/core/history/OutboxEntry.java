package dev.drover.core.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One outbox entry as text: the history events of one state change (written in one transaction), or one
 * operator action. The Redis scripts carry it opaquely; only this class and the history writer read it.
 * Times are epoch milliseconds, as in the database.
 */
public record OutboxEntry(List<HistoryEvent> events, OperatorAction action) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public OutboxEntry {
        events = events == null ? List.of() : List.copyOf(events);
        if (events.isEmpty() == (action == null)) {
            throw new IllegalArgumentException("an outbox entry holds events or one action");
        }
    }

    public static String encode(List<HistoryEvent> events) {
        ObjectNode root = JSON.createObjectNode();
        var array = root.putArray("events");
        for (HistoryEvent e : events) {
            ObjectNode n = array.addObject();
            n.put("key", e.key());
            n.put("kind", e.kind().name());
            n.put("at", e.at().toEpochMilli());
            n.put("migrationId", e.migrationId());
            n.put("candidateId", e.candidateId());
            n.put("runId", e.runId());
            n.put("attempt", e.attempt());
            n.put("stepName", e.stepName());
            n.put("dispatch", e.dispatch());
            n.put("status", e.status());
            n.put("durationMs", e.duration() == null ? null : e.duration().toMillis());
            n.put("message", e.message());
            n.set("metadata", JSON.valueToTree(e.metadata()));
        }
        return text(root);
    }

    public static String encode(HistoryEvent event) {
        return encode(List.of(event));
    }

    public static String encode(OperatorAction a) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode n = root.putObject("action");
        n.put("at", a.at().toEpochMilli());
        n.put("actor", a.actor());
        n.put("action", a.action());
        n.put("migrationId", a.migrationId());
        n.put("candidateId", a.candidateId());
        n.put("runId", a.runId());
        n.put("source", a.source());
        n.set("detail", JSON.valueToTree(a.detail()));
        return text(root);
    }

    /**
     * The entry with what its script added next to it, which only the script knew: {@code attempt} (the claim's
     * attempt) for the events, {@code m.<key>} into the events' metadata (the merge's counts), {@code d.<key>} into
     * the action's detail (a transfer's previous owner).
     *
     * @throws IllegalArgumentException when a value does not fit (a non-numeric attempt)
     */
    public OutboxEntry withScriptFields(Map<String, String> fields) {
        Map<String, String> meta = new HashMap<>();
        Map<String, String> detail = new HashMap<>();
        fields.forEach((key, value) -> {
            if (key.startsWith("m.")) {
                meta.put(key.substring(2), value);
            } else if (key.startsWith("d.")) {
                detail.put(key.substring(2), value);
            }
        });
        if (action != null) {
            if (detail.isEmpty()) {
                return this;
            }
            detail.putAll(action.detail());
            return new OutboxEntry(List.of(), new OperatorAction(action.at(), action.actor(), action.action(), action.migrationId(),
                                                                 action.candidateId(), action.runId(), action.source(), detail));
        }
        Integer attempt = fields.containsKey("attempt") ? Integer.valueOf(fields.get("attempt")) : null;
        if (attempt == null && meta.isEmpty()) {
            return this;
        }
        return new OutboxEntry(events.stream().map(e -> {
            Map<String, String> metadata = new HashMap<>(e.metadata());
            metadata.putAll(meta);
            return new HistoryEvent(e.key(), e.kind(), e.at(), e.migrationId(), e.candidateId(), e.runId(),
                                    attempt != null ? attempt : e.attempt(), e.stepName(), e.dispatch(), e.status(),
                                    e.duration(), e.message(), metadata);
        }).toList(), null);
    }

    /** @throws IllegalArgumentException when the text is not an entry (the writer sets such entries aside) */
    public static OutboxEntry decode(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            if (root.has("action")) {
                JsonNode n = root.get("action");
                return new OutboxEntry(List.of(), new OperatorAction(Instant.ofEpochMilli(n.get("at").asLong()),
                        str(n, "actor"), str(n, "action"), str(n, "migrationId"), str(n, "candidateId"), str(n, "runId"),
                        str(n, "source"), map(n.get("detail"))));
            }
            List<HistoryEvent> events = new ArrayList<>();
            for (JsonNode n : root.get("events")) {
                events.add(new HistoryEvent(str(n, "key"), EventKind.valueOf(n.get("kind").asText()),
                        Instant.ofEpochMilli(n.get("at").asLong()), str(n, "migrationId"), str(n, "candidateId"),
                        str(n, "runId"), integer(n, "attempt"), str(n, "stepName"), integer(n, "dispatch"),
                        str(n, "status"), n.hasNonNull("durationMs") ? Duration.ofMillis(n.get("durationMs").asLong()) : null,
                        str(n, "message"), map(n.get("metadata"))));
            }
            return new OutboxEntry(events, null);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a history outbox entry: " + e.getMessage(), e);
        }
    }

    private static String str(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static Integer integer(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asInt() : null;
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> map = new HashMap<>();
        if (n != null) {
            n.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
        }
        return map;
    }

    private static String text(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
