package dev.drover.console.candidate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.web.Html;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The candidate's run as a timeline, from {@code GET .../candidates/{cid}/steps}: the run (id, attempt, status)
 * and each step in order with its status, dispatches, times, the migrator's message, its change request
 * ({@code metadata.changeUrl}) and the rest of its metadata. The element refreshes itself (see {@link Refresh}):
 * it is the fragment the console's timeline route answers too.
 */
public final class StepTimeline {
    /** How the timeline keeps itself current. */
    public sealed interface Refresh {
        /** htmx polls {@code url} (the timeline route) every {@code seconds}. */
        record Poll(String url, int seconds) implements Refresh {
        }

        /**
         * htmx's SSE extension: the page holds a connection to {@code stream} (see {@link #liveWrapper}); the timeline
         * re-reads {@code url} whenever it sends {@code event}, and every {@code fallbackSeconds} in case an event
         * was missed while the stream reconnected.
         */
        record Live(String stream, String event, String url, int fallbackSeconds) implements Refresh {
        }

        /** Rendered once (after an action, in a test). */
        record None() implements Refresh {
        }
    }

    private StepTimeline() {
    }

    public static Html render(JsonNode run, Refresh refresh) {
        Html html = new Html();
        switch (refresh) {
            case Refresh.Poll poll -> html.open("section", "id", "timeline", "class", "timeline", "data-testid", "timeline",
                                                "aria-live", "polite", "hx-get", poll.url(),
                                                "hx-trigger", "every " + poll.seconds() + "s", "hx-swap", "outerHTML");
            case Refresh.Live live -> html.open("section", "id", "timeline", "class", "timeline", "data-testid", "timeline",
                                                "aria-live", "polite", "hx-get", live.url(),
                                                "hx-trigger", "sse:" + live.event() + ", every " + live.fallbackSeconds() + "s",
                                                "hx-swap", "outerHTML");
            case Refresh.None none -> html.open("section", "id", "timeline", "class", "timeline", "data-testid", "timeline");
        }
        html.element("h2", "Steps");
        String runId = text(run, "runId");
        if (runId == null) {
            html.element("p", "Not started yet: these are the steps a start would run.", "class", "muted", "data-testid", "run-summary");
        } else {
            html.open("p", "class", "run-summary", "data-testid", "run-summary")
                .text("Run ").element("code", runId, "data-testid", "run-id")
                .text(", attempt ").element("span", run.path("attempt").asText("?"), "data-testid", "run-attempt")
                .text(": ").element("span", text(run, "runStatus"), "class", "status status-" + text(run, "runStatus"), "data-testid", "run-status")
                .close("p");
        }
        html.open("ol", "class", "timeline-steps");
        for (JsonNode step : run.path("steps")) {
            step(html, step);
        }
        html.close("ol");
        return html.close("section");
    }

    /**
     * The timeline inside what keeps it live: with {@link Refresh.Live}, an element that holds the event stream
     * (htmx swaps the timeline, never this element, so the connection stays open) and says whether it is connected.
     */
    public static Html liveWrapper(JsonNode run, Refresh refresh) {
        if (!(refresh instanceof Refresh.Live live)) {
            return render(run, refresh);
        }
        return new Html().open("div", "id", "timeline-live", "hx-ext", "sse", "sse-connect", live.stream(), "data-testid", "timeline-live")
                .open("p", "class", "live")
                .element("span", "connecting\u2026", "class", "live-state", "aria-live", "polite", "data-testid", "live-state")
                .close("p")
                .add(render(run, refresh))
                .close("div");
    }

    /**
     * What the timeline route answers: the timeline, and the candidate's status for the page header as an
     * out-of-band swap, so the header follows the run without a reload.
     */
    public static Html fragment(JsonNode run, Refresh refresh) {
        return render(run, refresh).add(statusBadge(status(run), true));
    }

    /** The candidate's status badge (the page header's; {@code outOfBand} when it rides along with a timeline). */
    public static Html statusBadge(String status, boolean outOfBand) {
        return new Html().element("span", status.replace('_', ' '), "id", "candidate-status", "class", "status status-" + status,
                                  "data-testid", "candidate-status", "data-status", status,
                                  "hx-swap-oob", outOfBand ? "true" : null);
    }

    static String status(JsonNode run) {
        return run.path("candidateStatus").asText("not_started");
    }

    private static void step(Html html, JsonNode step) {
        String name = text(step, "name");
        String status = step.path("status").asText("not_started");
        html.open("li", "class", "timeline-step is-" + status, "data-testid", "step", "data-step", name, "data-status", status);
        html.open("div", "class", "step-head")
            .element("strong", name, "class", "step-name")
            .text(" ")
            .element("span", status.replace('_', ' '), "class", "status step-" + status, "data-testid", "step-status");
        if (status.equals("pending") && "operator".equals(step.path("metadata").path("waitingFor").asText())) {
            // A manual step (ADR 0013): nobody but an operator moves it on.
            html.text(" ").element("span", "waiting for you", "class", "status step-waiting", "data-testid", "step-waiting");
        }
        int dispatches = step.path("dispatches").asInt(0);
        if (dispatches > 0) {
            html.text(" ").element("span", dispatches == 1 ? "dispatched once" : "dispatched " + dispatches + " times",
                                   "class", "muted", "data-testid", "step-dispatches");
        }
        html.close("div");
        html.open("dl", "class", "step-times")
            .element("dt", "Started").open("dd").add(Times.time(text(step, "startedAt"), "step-started")).close("dd")
            .element("dt", "Updated").open("dd").add(Times.time(text(step, "updatedAt"), "step-updated")).close("dd")
            .element("dt", "Finished").open("dd").add(Times.time(text(step, "finishedAt"), "step-finished")).close("dd")
            .close("dl");
        String message = text(step, "message");
        if (message != null && !message.isBlank()) {
            html.element("p", message, "class", "step-message", "data-testid", "step-message");
        }
        JsonNode metadata = step.path("metadata");
        Optional<String> change = Html.externalHref(text(metadata, "changeUrl"));
        change.ifPresent(href -> html.open("p").element("a", "Change request", "href", href, "rel", "noopener noreferrer",
                                                        "target", "_blank", "data-testid", "step-change-url").close("p"));
        metadata(html, metadata);
        html.close("li");
    }

    /** What else the migrator reported (opaque to the platform): shown as text, never as links or markup. */
    private static void metadata(Html html, JsonNode metadata) {
        boolean any = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("changeUrl")) {
                continue;
            }
            if (!any) {
                html.open("dl", "class", "step-metadata", "data-testid", "step-metadata");
                any = true;
            }
            html.element("dt", entry.getKey()).element("dd", entry.getValue().asText());
        }
        if (any) {
            html.close("dl");
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asText();
    }
}
