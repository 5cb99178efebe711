package dev.drover.functions.candidates;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.InvalidInput;

import java.util.ArrayList;
import java.util.List;

/**
 * A discovery's candidates as migrators send them: a JSON array, or (as the seed system's migrators do) an object
 * {@code {"candidates": [...]}}. A candidate's {@code status} is the server's to keep, never a migrator's to set: it
 * is dropped and said so in {@link #warnings}, rather than refused, since its meaning is clear and nothing follows
 * from ignoring it. Anything else unknown is still refused.
 */
public record CandidateList(List<DiscoveredCandidate> candidates, List<String> warnings) {
    private static final TypeReference<List<DiscoveredCandidate>> LIST = new TypeReference<>() { };

    public CandidateList {
        // Not List.copyOf: a null element is the submission's mistake, which SubmitCandidates answers with its position.
        candidates = java.util.Collections.unmodifiableList(new ArrayList<>(candidates));
        warnings = List.copyOf(warnings);
    }

    /** Reads a submission's body. */
    public static CandidateList read(byte[] body) {
        JsonNode root = Json.read(body, JsonNode.class);
        if (root.isObject() && root.has("candidates") && root.size() == 1) {
            return of(root.get("candidates"));
        }
        if (!root.isArray() || !hasStatus(root)) {
            return new CandidateList(Json.read(body, LIST), List.of()); // the plain case keeps the parser's own positions
        }
        return of(root);
    }

    /** Reads a list already parsed (a submission's, or an announcement's {@code candidates}). */
    public static CandidateList of(JsonNode list) {
        if (list == null || !list.isArray()) {
            throw new InvalidInput("candidates must be a JSON array of candidates");
        }
        List<String> ignored = new ArrayList<>();
        ArrayNode copy = ((ArrayNode) list).deepCopy();
        for (JsonNode candidate : copy) {
            if (candidate instanceof ObjectNode object && object.has("status")) {
                object.remove("status");
                ignored.add(object.path("id").asText("?"));
            }
        }
        List<String> warnings = ignored.isEmpty() ? List.of() : List.of(
                "ignored the status of " + ignored.size() + " candidate(s) (" + String.join(", ", ignored.subList(0, Math.min(5, ignored.size())))
                        + (ignored.size() > 5 ? ", ..." : "") + "): a candidate's status is the platform's, set by its runs");
        return new CandidateList(Json.read(Json.bytes(copy), LIST), warnings);
    }

    private static boolean hasStatus(JsonNode array) {
        for (JsonNode candidate : array) {
            if (candidate.has("status")) {
                return true;
            }
        }
        return false;
    }
}
