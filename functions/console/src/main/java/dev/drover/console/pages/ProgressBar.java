package dev.drover.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.web.Html;

import java.util.List;

/**
 * A migration's progress from its per-status counts (what {@code GET /migrations} and the live {@code counts} event
 * carry): one bar of completed, running and failed segments over the total, as an accessible progressbar whose value
 * is the share completed. Drawn as SVG rectangles: their widths are attributes, so no inline style is needed (the
 * Content-Security-Policy allows none).
 */
public final class ProgressBar {
    /** The statuses drawn, in order from the left; whatever is left of the total is not started. */
    private static final List<String> SEGMENTS = List.of("completed", "running", "failed");

    private ProgressBar() {
    }

    /** The element's id, so a live {@code counts} event replaces it. */
    public static String id(String migrationId) {
        return "progress-" + migrationId;
    }

    /**
     * @param counts {@code {"total": N, "byStatus": {"not_started": n, ...}}}
     * @param oob    whether htmx swaps it in out of band (the live relay), replacing the bar with the same id
     */
    public static Html render(String migrationId, JsonNode counts, boolean oob) {
        long total = Math.max(0, counts.path("total").asLong(0));
        JsonNode by = counts.path("byStatus");
        long completed = by.path("completed").asLong(0);
        long running = by.path("running").asLong(0);
        long failed = by.path("failed").asLong(0);
        long percent = total == 0 ? 0 : Math.round(completed * 100.0 / total);
        String summary = completed + " of " + total + " completed, " + running + " running, " + failed + " failed";

        Html h = new Html();
        h.open("div", "id", id(migrationId), "class", "progress", "hx-swap-oob", oob ? "true" : null,
               "data-testid", "progress", "data-total", Long.toString(total), "data-completed", Long.toString(completed),
               "data-running", Long.toString(running), "data-failed", Long.toString(failed));
        h.open("div", "class", "bar", "role", "progressbar", "aria-label", "Candidates completed",
               "aria-valuemin", "0", "aria-valuemax", "100", "aria-valuenow", Long.toString(percent), "aria-valuetext", summary);
        h.open("svg", "viewBox", "0 0 1000 10", "preserveAspectRatio", "none", "aria-hidden", "true", "focusable", "false");
        long x = 0;
        for (String status : SEGMENTS) {
            long n = by.path(status).asLong(0);
            if (total > 0 && n > 0) {
                long width = Math.max(1, Math.round(n * 1000.0 / total));
                h.open("rect", "class", "seg-" + status, "x", Long.toString(x), "y", "0", "width", Long.toString(width),
                       "height", "10").close("rect");
                x += width;
            }
        }
        h.close("svg");
        h.close("div");
        h.open("p", "class", "progress-legend");
        h.element("span", percent + "% completed", "class", "pct");
        h.element("span", completed + "/" + total + " done", "class", "legend-completed");
        h.element("span", running + " running", "class", running > 0 ? "legend-running active" : "legend-running");
        h.element("span", failed + " failed", "class", failed > 0 ? "legend-failed active" : "legend-failed");
        h.close("p");
        h.close("div");
        return h;
    }
}
