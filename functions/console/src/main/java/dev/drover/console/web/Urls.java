package dev.drover.console.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The console's own URLs, each segment and query value encoded (ids are slugs today; nothing relies on it). */
public final class Urls {
    /** Where the console is served: every page, asset and form target lives under it. */
    public static final String ROOT = "/console";

    private Urls() {
    }

    /** {@code /console/<segment>/<segment>...}. */
    public static String console(String... segments) {
        StringBuilder path = new StringBuilder(ROOT);
        for (String segment : segments) {
            path.append('/').append(encode(segment));
        }
        return path.toString();
    }

    public static String migration(String migrationId) {
        return console("migrations", migrationId);
    }

    /** The candidate's page (console-b's {@code CandidatePage}). */
    public static String candidate(String migrationId, String candidateId) {
        return console("migrations", migrationId, "candidates", candidateId);
    }

    /** {@code path?k=v&k=v}, in the given order, skipping blank values; repeated names for a list. */
    public static String withQuery(String path, List<Map.Entry<String, String>> params) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, String> param : params) {
            if (param.getValue() != null && !param.getValue().isBlank()) {
                parts.add(encode(param.getKey()) + "=" + encode(param.getValue()));
            }
        }
        return parts.isEmpty() ? path : path + "?" + String.join("&", parts);
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
