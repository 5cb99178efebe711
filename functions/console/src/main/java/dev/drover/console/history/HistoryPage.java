package dev.drover.console.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.audit.AuditActions;
import dev.drover.console.candidate.Times;
import dev.drover.console.web.Html;
import dev.drover.console.web.Urls;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A migration's history: the burndown (uPlot, with a table and a one-sentence summary for those who do not see
 * the chart), per-step metrics, recent failures, and the audit log (admins only, filtered by actor and action,
 * paged by the API's cursor).
 */
public final class HistoryPage {
    public enum Bucket {
        DAY, HOUR;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Anything but {@code hour} is daily: a bucket is a view choice, never a reason to refuse the page. */
        public static Bucket fromQuery(String value) {
            return "hour".equals(value) ? HOUR : DAY;
        }
    }

    /** The audit filter as the page's query has it; blanks mean no filter. */
    public record AuditFilter(String actor, String action, String cursor) {
        public AuditFilter {
            actor = blankToNull(actor);
            action = action != null && AuditActions.ALL.contains(action) ? action : null;
            cursor = blankToNull(cursor);
        }
    }

    /** {@code audit} is empty when the person is no admin (the page says so rather than asking the API). */
    public record View(String migrationId, JsonNode migration, Bucket bucket, Part burndown, Part steps, Part failures,
                       AuditFilter filter, Optional<Part> audit) {
    }

    private HistoryPage() {
    }

    public static String path(String migrationId) {
        return Urls.console("migrations", migrationId, "history");
    }

    public static Html render(View view) {
        String name = view.migration().path("name").asText(view.migrationId());
        Html html = new Html();
        html.open("nav", "class", "crumbs", "aria-label", "Breadcrumb")
            .element("a", "Migrations", "href", Urls.console("migrations"))
            .text(" / ")
            .element("a", name, "href", Urls.migration(view.migrationId()), "data-testid", "migration-link")
            .text(" / history")
            .close("nav");
        html.element("h1", "History of " + name, "data-testid", "history-title");
        burndown(html, view);
        steps(html, view.steps());
        failures(html, view.migrationId(), view.failures());
        audit(html, view);
        return html;
    }

    private static void burndown(Html html, View view) {
        html.open("section", "id", "burndown", "class", "history-section", "data-testid", "burndown", "aria-labelledby", "burndown-title");
        html.element("h2", "Burndown", "id", "burndown-title");
        html.open("div", "class", "toggle-group", "role", "group", "aria-label", "Bucket");
        for (Bucket bucket : Bucket.values()) {
            html.element("a", bucket == Bucket.DAY ? "Daily" : "Hourly",
                         "href", Urls.withQuery(path(view.migrationId()), List.of(Map.entry("bucket", bucket.wire()))),
                         "class", "toggle", "data-testid", "bucket-" + bucket.wire(),
                         "aria-current", bucket == view.bucket() ? "true" : null);
        }
        html.close("div");
        switch (view.burndown()) {
            case Part.Failed failed -> failed(html, failed, "burndown-error");
            case Part.Ok ok -> chart(html, ok.data(), view.bucket());
        }
        html.close("section");
    }

    private static void chart(Html html, JsonNode burndown, Bucket bucket) {
        JsonNode points = burndown.path("points");
        StringBuilder t = new StringBuilder();
        StringBuilder completed = new StringBuilder();
        StringBuilder remaining = new StringBuilder();
        int total = 0;
        int most = 0;
        for (JsonNode point : points) {
            String sep = t.isEmpty() ? "" : ",";
            t.append(sep).append(epochSeconds(point.path("start").asText()));
            completed.append(sep).append(point.path("completed").asInt());
            remaining.append(sep).append(point.path("remaining").asInt());
            total += point.path("completed").asInt();
            most = Math.max(most, point.path("completed").asInt());
        }
        // Numbers only (written here, not copied from the API's text): the attribute carries no markup either way.
        String data = "{\"bucket\":\"" + bucket.wire() + "\",\"t\":[" + t + "],\"completed\":[" + completed
                + "],\"remaining\":[" + remaining + "]}";
        int candidates = burndown.path("candidates").asInt();
        int left = points.isEmpty() ? candidates : points.get(points.size() - 1).path("remaining").asInt();
        String per = bucket == Bucket.DAY ? "day" : "hour";
        String summary = "Burndown by " + per + " from " + Times.shown(burndown.path("from").asText()) + " to "
                + Times.shown(burndown.path("to").asText()) + ": " + total + " runs completed in this period, at most "
                + most + " in one " + per + "; " + left + " of " + candidates + " candidates remaining.";
        html.open("figure", "class", "chart-figure")
            .element("div", "", "id", "burndown-chart", "class", "chart", "role", "img", "aria-label", summary,
                     "data-testid", "burndown-chart", "data-burndown", data)
            .open("figcaption").element("span", summary, "data-testid", "burndown-summary")
            .text(" Bars: runs completed per " + per + " (left axis). Line: candidates remaining (right axis).")
            .close("figcaption")
            .close("figure");
        html.open("details", "class", "chart-table", "data-testid", "burndown-table")
            .element("summary", "The burndown as a table")
            .open("table").open("thead").open("tr")
            .element("th", bucket == Bucket.DAY ? "Day (UTC)" : "Hour (UTC)", "scope", "col")
            .element("th", "Completed", "scope", "col").element("th", "Completed so far", "scope", "col")
            .element("th", "Remaining", "scope", "col")
            .close("tr").close("thead").open("tbody");
        for (JsonNode point : points) {
            html.open("tr", "data-testid", "burndown-row")
                .open("td").add(Times.time(point.path("start").asText(), "burndown-start")).close("td")
                .element("td", point.path("completed").asInt(), "class", "num")
                .element("td", point.path("cumulative").asInt(), "class", "num")
                .element("td", point.path("remaining").asInt(), "class", "num")
                .close("tr");
        }
        html.close("tbody").close("table").close("details");
    }

    private static long epochSeconds(String iso) {
        try {
            return Instant.parse(iso).getEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private static void steps(Html html, Part part) {
        html.open("section", "id", "step-metrics", "class", "history-section", "data-testid", "step-metrics")
            .element("h2", "Steps");
        switch (part) {
            case Part.Failed failed -> failed(html, failed, "step-metrics-error");
            case Part.Ok ok -> {
                JsonNode items = ok.data().path("items");
                if (items.isEmpty()) {
                    html.element("p", "No step has finished a dispatch yet.", "class", "muted", "data-testid", "step-metrics-empty");
                } else {
                    html.open("table").open("thead").open("tr")
                        .element("th", "Step", "scope", "col").element("th", "Finished dispatches", "scope", "col")
                        .element("th", "Average", "scope", "col").element("th", "p95", "scope", "col")
                        .element("th", "Failed", "scope", "col").element("th", "Failure rate", "scope", "col")
                        .close("tr").close("thead").open("tbody");
                    for (JsonNode item : items) {
                        html.open("tr", "data-testid", "step-metric", "data-step", item.path("step").asText())
                            .element("th", item.path("step").asText(), "scope", "row")
                            .element("td", item.path("count").asLong(), "class", "num", "data-testid", "step-count")
                            .element("td", duration(item.path("averageMs").asLong()), "class", "num", "data-testid", "step-average")
                            .element("td", duration(item.path("p95Ms").asLong()), "class", "num", "data-testid", "step-p95")
                            .element("td", item.path("failed").asLong(), "class", "num", "data-testid", "step-failed")
                            .element("td", String.format(Locale.ROOT, "%.1f%%", item.path("failureRate").asDouble() * 100),
                                     "class", "num", "data-testid", "step-failure-rate")
                            .close("tr");
                    }
                    html.close("tbody").close("table");
                }
            }
        }
        html.close("section");
    }

    /** A duration for people: milliseconds under a second, then seconds, minutes, hours. */
    static String duration(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
        }
        return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
    }

    private static void failures(Html html, String migrationId, Part part) {
        html.open("section", "id", "failures", "class", "history-section", "data-testid", "failures")
            .element("h2", "Recent failures");
        switch (part) {
            case Part.Failed failed -> failed(html, failed, "failures-error");
            case Part.Ok ok -> {
                JsonNode items = ok.data().path("items");
                if (items.isEmpty()) {
                    html.element("p", "No step has failed.", "class", "muted", "data-testid", "failures-empty");
                } else {
                    html.open("table").open("thead").open("tr")
                        .element("th", "When", "scope", "col").element("th", "Candidate", "scope", "col")
                        .element("th", "Step", "scope", "col").element("th", "Attempt / dispatch", "scope", "col")
                        .element("th", "Message", "scope", "col")
                        .close("tr").close("thead").open("tbody");
                    for (JsonNode item : items) {
                        String candidate = item.path("candidateId").asText();
                        html.open("tr", "data-testid", "failure", "data-candidate", candidate)
                            .open("td").add(Times.time(item.path("at").asText(), "failure-at")).close("td")
                            .open("td").element("a", candidate, "href", Urls.candidate(migrationId, candidate)).close("td")
                            .element("td", item.path("step").asText())
                            .element("td", item.path("attempt").asInt() + " / " + item.path("dispatch").asInt(), "class", "num")
                            .element("td", item.path("message").asText(""), "class", "message", "data-testid", "failure-message")
                            .close("tr");
                    }
                    html.close("tbody").close("table");
                }
            }
        }
        html.close("section");
    }

    private static void audit(Html html, View view) {
        html.open("section", "id", "audit", "class", "history-section", "data-testid", "audit").element("h2", "Audit log");
        if (view.audit().isEmpty()
                || view.audit().get() instanceof Part.Failed failed && failed.status() == 403) {
            html.element("p", "The audit log (who started, cancelled, retried, edited, transferred what) is for admins only.",
                         "class", "muted", "data-testid", "audit-admins-only");
            html.close("section");
            return;
        }
        AuditFilter filter = view.filter();
        String path = path(view.migrationId());
        html.open("form", "method", "get", "action", path, "class", "filter", "data-testid", "audit-filter")
            .empty("input", "type", "hidden", "name", "bucket", "value", view.bucket().wire())
            .element("label", "Actor", "for", "audit-actor")
            .empty("input", "type", "text", "id", "audit-actor", "name", "actor", "value", filter.actor() == null ? "" : filter.actor(),
                   "data-testid", "audit-actor")
            .element("label", "Action", "for", "audit-action")
            .open("select", "id", "audit-action", "name", "action", "data-testid", "audit-action")
            .element("option", "any", "value", "");
        for (String action : AuditActions.ALL) {
            html.element("option", action, "value", action, "selected", action.equals(filter.action()) ? "" : null);
        }
        html.close("select")
            .element("button", "Filter", "type", "submit", "data-testid", "audit-submit")
            .close("form");
        switch (view.audit().get()) {
            case Part.Failed failed -> failed(html, failed, "audit-error");
            case Part.Ok ok -> {
                JsonNode items = ok.data().path("items");
                if (items.isEmpty()) {
                    html.element("p", "No entries" + (filter.actor() != null || filter.action() != null ? " match the filter." : "."),
                                 "class", "muted", "data-testid", "audit-empty");
                } else {
                    html.open("table").open("thead").open("tr")
                        .element("th", "When", "scope", "col").element("th", "Actor", "scope", "col")
                        .element("th", "Action", "scope", "col").element("th", "Candidate", "scope", "col")
                        .element("th", "Source", "scope", "col").element("th", "Detail", "scope", "col")
                        .close("tr").close("thead").open("tbody");
                    for (JsonNode item : items) {
                        String candidate = item.path("candidateId").isTextual() ? item.path("candidateId").asText() : null;
                        html.open("tr", "data-testid", "audit-entry", "data-action", item.path("action").asText())
                            .open("td").add(Times.time(item.path("at").asText(), "audit-at")).close("td")
                            .element("td", item.path("actor").asText(), "data-testid", "audit-entry-actor")
                            .element("td", item.path("action").asText())
                            .open("td");
                        if (candidate != null) {
                            html.element("a", candidate, "href", Urls.candidate(view.migrationId(), candidate));
                        }
                        html.close("td")
                            .element("td", item.path("source").asText())
                            .element("td", detail(item.path("detail")), "class", "detail")
                            .close("tr");
                    }
                    html.close("tbody").close("table");
                }
                String next = ok.data().path("nextCursor").isTextual() ? ok.data().path("nextCursor").asText() : null;
                html.open("nav", "class", "pager", "aria-label", "Audit pages");
                if (filter.cursor() != null) {
                    html.element("a", "First page", "href", auditUrl(view, null), "data-testid", "audit-first");
                }
                if (next != null) {
                    html.text(" ").element("a", "Next page", "href", auditUrl(view, next), "data-testid", "audit-next");
                }
                html.close("nav");
            }
        }
        html.close("section");
    }

    private static String auditUrl(View view, String cursor) {
        return Urls.withQuery(path(view.migrationId()), List.of(
                Map.entry("bucket", view.bucket().wire()),
                Map.entry("actor", nullToEmpty(view.filter().actor())),
                Map.entry("action", nullToEmpty(view.filter().action())),
                Map.entry("cursor", nullToEmpty(cursor)))) + "#audit";
    }

    private static String detail(JsonNode detail) {
        StringBuilder out = new StringBuilder();
        detail.fields().forEachRemaining(e -> out.append(out.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().asText()));
        return out.toString();
    }

    private static void failed(Html html, Part.Failed failed, String testId) {
        html.open("p", "class", "error-state", "role", "alert", "data-testid", testId, "data-code", failed.code())
            .text(failed.message().isBlank() ? "The API answered " + failed.status() + "." : failed.message())
            .close("p");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
