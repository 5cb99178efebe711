package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** How the CLI writes the API's values for people: text of missing fields, times, metadata, counts. */
final class Format {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Format() {
    }

    /** The field's text, or "" when it is absent or null (a field an older API does not send). */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    static String orDash(String text) {
        return text == null || text.isEmpty() ? "-" : text;
    }

    /** An API time (ISO-8601) in the local zone, or the text as it came when it does not parse. */
    static String time(String iso) {
        if (iso == null || iso.isEmpty()) {
            return "";
        }
        try {
            return LOCAL.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    /** How long ago, short: "45s", "12m", "3h", "2d". */
    static String ago(String iso, Instant now) {
        try {
            return duration(Duration.between(Instant.parse(iso), now)) + " ago";
        } catch (DateTimeParseException | NullPointerException e) {
            return iso == null ? "" : iso;
        }
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        if (s < 86400) {
            return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : (s % 3600 / 60) + "m");
        }
        return (s / 86400) + "d" + (s % 86400 / 3600 == 0 ? "" : (s % 86400 / 3600) + "h");
    }

    /** The time between two API times, or "" unless both parse. */
    static String took(String from, String to) {
        try {
            return duration(Duration.between(Instant.parse(from), Instant.parse(to)));
        } catch (DateTimeParseException | NullPointerException e) {
            return "";
        }
    }

    /** A string map as {@code k=v, k=v}, in the API's order. */
    static String pairs(JsonNode map) {
        List<String> pairs = new ArrayList<>();
        map.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", pairs);
    }

    /** A count, 0 when absent. */
    static long count(JsonNode node, String field) {
        return node.path(field).asLong(0);
    }
}
