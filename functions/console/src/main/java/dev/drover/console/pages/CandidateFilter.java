package dev.drover.console.pages;

import dev.drover.console.web.Urls;
import dev.drover.contract.model.CandidateStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the candidate table shows, as the person typed it: a status, metadata {@code key=value} pairs (space
 * separated) and an id prefix. The same filter builds the API's query, the console's links and a bulk action's
 * selector, so "select all matching the filter" selects exactly what the table lists.
 *
 * @param problem why the typed filter cannot be used (shown above the table), when it cannot
 */
public record CandidateFilter(Optional<String> status, Map<String, String> metadata, Optional<String> idPrefix,
                              Optional<String> problem) {
    /** Console query names: {@code status}, {@code meta} ("team=payments env=prod"), {@code q} (id prefix). */
    public static CandidateFilter read(Function<String, Optional<String>> query) {
        Optional<String> status = query.apply("status").map(String::trim);
        Optional<String> problem = Optional.empty();
        if (status.isPresent() && CandidateStatus.parse(status.get()).isEmpty()) {
            problem = Optional.of("status '" + status.get() + "' is not one of " + CandidateStatus.names());
            status = Optional.empty();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String pair : query.apply("meta").map(String::trim).map(s -> s.split("\\s+")).orElse(new String[0])) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                problem = Optional.of("metadata filter '" + pair + "' must be key=value");
                continue;
            }
            metadata.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        Optional<String> idPrefix = query.apply("q").map(String::trim).filter(s -> !s.isEmpty());
        return new CandidateFilter(status, metadata, idPrefix, problem);
    }

    public boolean isEmpty() {
        return status.isEmpty() && metadata.isEmpty() && idPrefix.isEmpty();
    }

    /** The metadata pairs as typed: {@code team=payments env=prod}. */
    public String metadataText() {
        return String.join(" ", metadata.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** {@code GET /migrations/{id}/candidates}'s query for one page. */
    public String apiQuery(Optional<String> cursor, int limit) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        status.ifPresent(s -> params.add(Map.entry("status", s)));
        metadata.forEach((k, v) -> params.add(Map.entry("meta." + k, v)));
        idPrefix.ifPresent(p -> params.add(Map.entry("idPrefix", p)));
        cursor.ifPresent(c -> params.add(Map.entry("cursor", c)));
        params.add(Map.entry("limit", Integer.toString(limit)));
        return Urls.withQuery("", params);
    }

    /** The console's own query for this filter (links, the way back after an action), plus {@code extra}. */
    public List<Map.Entry<String, String>> consoleParams() {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        status.ifPresent(s -> params.add(Map.entry("status", s)));
        if (!metadata.isEmpty()) {
            params.add(Map.entry("meta", metadataText()));
        }
        idPrefix.ifPresent(p -> params.add(Map.entry("q", p)));
        return params;
    }

    /** The rollouts and bulk API's selector for everything this filter matches (docs: brief §3, openapi.yaml). */
    public Map<String, Object> selector() {
        Map<String, Object> selector = new LinkedHashMap<>();
        status.ifPresent(s -> selector.put("status", List.of(s)));
        if (!metadata.isEmpty()) {
            selector.put("metadata", metadata);
        }
        idPrefix.ifPresent(p -> selector.put("idPrefix", p));
        return selector;
    }
}
