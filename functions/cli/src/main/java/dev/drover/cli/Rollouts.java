package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** How a rollout (the API's rollout JSON) reads in one line, and what its status means for a waiting command. */
final class Rollouts {
    private Rollouts() {
    }

    static String id(JsonNode rollout) {
        return Format.text(rollout, "rolloutId");
    }

    static String status(JsonNode rollout) {
        return Format.text(rollout, "status");
    }

    /** Completed or aborted: nothing more will happen on its own. */
    static boolean ended(JsonNode rollout) {
        return switch (status(rollout)) {
            case "completed", "aborted" -> true;
            default -> false;
        };
    }

    /** "wave 2 (5), waits for promote" or "" when the API says nothing of waves. */
    static String wave(JsonNode rollout) {
        JsonNode wave = rollout.path("wave");
        if (!wave.isObject()) {
            return "";
        }
        String text = "wave " + (wave.path("index").asInt(0) + 1) + (wave.path("size").isNumber() ? " (" + wave.path("size").asInt() + ")" : "");
        String waiting = Format.text(wave, "waiting");
        return waiting.isEmpty() ? text : text + ", waits for " + waiting;
    }

    static String counts(JsonNode rollout) {
        JsonNode counts = rollout.path("counts");
        List<String> parts = new ArrayList<>();
        for (String name : List.of("selected", "started", "running", "succeeded", "failed", "cancelled", "skipped")) {
            if (counts.has(name)) {
                parts.add(counts.path(name).asLong() + " " + name);
            }
        }
        return String.join(", ", parts);
    }

    /** One line: "rollout r-1 running, wave 1 (5), waits for promote: 30 selected, 5 started, ...". */
    static String line(JsonNode rollout, Style style) {
        String wave = wave(rollout);
        String reason = Format.text(rollout, "pausedReason");
        return "rollout " + id(rollout) + " " + style.status(status(rollout)) + (wave.isEmpty() ? "" : ", " + wave)
               + (reason.isEmpty() || !status(rollout).equals("paused") ? "" : " (" + reason + ")") + ": " + counts(rollout);
    }

    /** The items of a rollout list, whether the API answers {"items": [...]} or a bare array. */
    static JsonNode items(JsonNode answer) {
        return answer.isArray() ? answer : answer.path("items");
    }
}
