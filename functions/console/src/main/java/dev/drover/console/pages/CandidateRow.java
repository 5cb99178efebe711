package dev.drover.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.web.Html;
import dev.drover.console.web.Urls;

/**
 * One candidate as a row of the migration page's table: id (a link to its page), status, the current step of its run
 * with the step's status and message, and the change request the step opened. The page renders it from the list
 * items, the live relay from {@code candidate} events: both carry {@code status} and {@code run} the same way.
 */
public final class CandidateRow {
    private CandidateRow() {
    }

    /** The row's element id; candidate ids are slugs, so it is a valid id as is. */
    public static String id(String candidateId) {
        return "row-" + candidateId;
    }

    /**
     * @param selectable whether the row has a checkbox for the bulk bar (operators and admins)
     * @param oob        whether it replaces the row with the same id out of band (the live relay)
     */
    public static Html render(String migrationId, String candidateId, String status, JsonNode run, boolean selectable, boolean oob) {
        JsonNode step = run == null ? null : run.path("step");
        boolean hasStep = step != null && step.isObject();
        Html h = new Html();
        h.open("tr", "id", id(candidateId), "hx-swap-oob", oob ? "true" : null, "data-testid", "candidate-row",
               "data-candidate", candidateId, "data-status", status);
        if (selectable) {
            h.open("td", "class", "select");
            h.empty("input", "type", "checkbox", "name", "ids", "value", candidateId, "form", "bulk-form",
                    "class", "row-select", "aria-label", "Select " + candidateId, "data-testid", "row-select");
            h.close("td");
        }
        h.open("th", "scope", "row", "class", "cid");
        h.element("a", candidateId, "href", Urls.candidate(migrationId, candidateId), "data-testid", "candidate-link");
        h.close("th");
        h.open("td", "data-label", "Status");
        h.element("span", status.replace('_', ' '), "class", "status status-" + cssToken(status), "data-testid", "candidate-status");
        if (run != null && run.isObject() && run.path("attempt").asInt(0) > 1) {
            h.element("span", "attempt " + run.path("attempt").asInt(), "class", "attempt");
        }
        h.close("td");
        h.element("td", hasStep ? step.path("name").asText("") : "—", "data-label", "Step", "data-testid", "step-name");
        h.open("td", "data-label", "Step status");
        if (hasStep) {
            String stepStatus = step.path("status").asText("");
            h.element("span", stepStatus, "class", "status step-" + cssToken(stepStatus), "data-testid", "step-status");
        } else {
            h.text("—");
        }
        h.close("td");
        h.element("td", hasStep ? step.path("message").asText("") : "", "class", "message", "data-label", "Message",
                  "data-testid", "step-message");
        h.open("td", "data-label", "Change");
        String changeUrl = hasStep ? step.path("metadata").path("changeUrl").asText("") : "";
        var href = Html.externalHref(changeUrl);
        if (href.isPresent()) {
            h.element("a", "change request", "href", href.get(), "rel", "noopener noreferrer", "target", "_blank",
                      "data-testid", "change-link");
        } else if (!changeUrl.isEmpty()) {
            h.element("span", changeUrl, "class", "unlinked"); // not an http(s) URL: shown, never linked
        }
        h.close("td");
        h.close("tr");
        return h;
    }

    /** A status as a class name part: only what statuses look like, so a migrator's odd value cannot add classes. */
    static String cssToken(String value) {
        return value.matches("[a-z_]{1,32}") ? value.replace('_', '-') : "other";
    }
}
