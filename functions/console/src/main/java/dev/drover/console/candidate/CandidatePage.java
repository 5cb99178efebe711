package dev.drover.console.candidate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.web.Html;
import dev.drover.console.web.Urls;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * One candidate: what it is (metadata, file groups), where its run stands (the {@link StepTimeline}), what an
 * operator can do to it (start with the migration's inputs, cancel, retry the failed step, dry-run), and the answer
 * to the last action. A viewer sees everything but the actions. Every value is the API's, shown as text.
 */
public final class CandidatePage {
    /** What the page shows. {@code notice} and {@code refusal} are the outcome of the action just taken, if any. */
    public record View(String migrationId, String candidateId, JsonNode migration, JsonNode candidate, JsonNode run,
                       boolean canOperate, Optional<Notice> notice, Optional<Refusal> refusal, StepTimeline.Refresh refresh) {
    }

    /** An action that took effect; the page says so in fixed words (never text from the request). */
    public enum Notice {
        STARTED("started", "Run started."),
        CANCELLED("cancelled", "Run cancelled; the candidate is back to not started."),
        CANCELLING("cancelling", "Cancelling: the run's cleanup is still going."),
        RETRIED("retried", "The failed step is dispatched again."),
        COMPLETED("step-completed", "The step is completed as you chose; the run goes on from there.");

        private final String wire;
        private final String words;

        Notice(String wire, String words) {
            this.wire = wire;
            this.words = words;
        }

        public String wire() {
            return wire;
        }

        public static Optional<Notice> fromQuery(String value) {
            for (Notice notice : values()) {
                if (notice.wire.equals(value)) {
                    return Optional.of(notice);
                }
            }
            return Optional.empty();
        }
    }

    /** The API refused an action: which one, and its stable code and message. */
    public record Refusal(String action, int status, String code, String message) {
    }

    private CandidatePage() {
    }

    public static String title(View view) {
        return view.candidateId() + " \u00b7 " + view.migration().path("name").asText(view.migrationId());
    }

    public static Html render(View view) {
        String status = view.candidate().path("status").asText("not_started");
        Html html = new Html();
        html.open("nav", "class", "crumbs", "aria-label", "Breadcrumb")
            .element("a", "Migrations", "href", Urls.console("migrations"))
            .text(" / ")
            .element("a", view.migration().path("name").asText(view.migrationId()), "href", Urls.migration(view.migrationId()),
                     "data-testid", "migration-link")
            .text(" / ")
            .element("span", view.candidateId())
            .close("nav");
        html.open("h1", "data-testid", "candidate-title").text(view.candidateId()).text(" ")
            .add(StepTimeline.statusBadge(status, false)).close("h1");
        html.open("p", "class", "muted", "data-testid", "candidate-summary")
            .text("Kind " + view.candidate().path("kind").asText("\u2014") + " \u00b7 discovered ")
            .add(Times.time(StepTimeline.text(view.candidate(), "createdAt"), "candidate-created"))
            .text(" \u00b7 updated ")
            .add(Times.time(StepTimeline.text(view.candidate(), "updatedAt"), "candidate-updated"))
            .text(" \u00b7 ")
            .element("a", "history of this migration", "href", Urls.console("migrations", view.migrationId(), "history"))
            .close("p");
        view.notice().ifPresent(notice -> html.element("p", notice.words, "class", "notice", "role", "status",
                                                       "data-testid", "action-notice"));
        view.refusal().ifPresent(refusal -> html.open("div", "class", "error-state", "role", "alert", "data-testid", "action-error",
                                                      "data-code", refusal.code())
                .element("strong", refusal.action() + " was refused: ")
                .text(refusal.message().isBlank() ? "the API answered " + refusal.status() : refusal.message())
                .text(" ").element("code", refusal.code())
                .close("div"));
        actions(html, view, status, false);
        html.open("div", "class", "columns");
        metadata(html, view.candidate().path("metadata"));
        files(html, view.candidate().path("files"));
        html.close("div");
        html.add(StepTimeline.liveWrapper(view.run(), view.refresh()));
        dryRun(html, view);
        return html;
    }

    /**
     * The actions as an out-of-band swap, for the timeline's refresh: when the run moves, what an operator may do
     * changes with it (Retry once a step fails, Cancel once it runs), with no reload.
     */
    public static Html actionsOutOfBand(View view) {
        Html html = new Html();
        actions(html, view, view.candidate().path("status").asText("not_started"), true);
        return html;
    }

    private static void actions(Html html, View view, String status, boolean outOfBand) {
        html.open("section", "id", "actions", "class", "actions", "data-testid", "actions", "aria-label", "Actions",
                  "hx-swap-oob", outOfBand ? "true" : null);
        if (!view.canOperate()) {
            html.element("p", "You can read this candidate; starting, cancelling, retrying and dry-runs need the operator role.",
                         "class", "muted", "data-testid", "actions-viewer");
            html.close("section");
            return;
        }
        String base = Urls.candidate(view.migrationId(), view.candidateId());
        if (status.equals("not_started")) {
            html.open("form", "method", "post", "action", base + "/start", "class", "action-form", "data-testid", "start-form");
            JsonNode inputs = view.migration().path("requiredInputs");
            if (inputs.isEmpty()) {
                html.element("div", "", "id", "start-inputs", "hidden", ""); // what the dry-run includes: nothing
            } else {
                html.open("fieldset", "id", "start-inputs", "data-testid", "start-inputs");
                html.element("legend", "Inputs");
                for (JsonNode input : inputs) {
                    String name = input.path("name").asText();
                    String id = "input-" + name;
                    html.open("div", "class", "field")
                        .element("label", input.path("label").asText(name), "for", id)
                        .empty("input", "type", "text", "id", id, "name", "input." + name, "data-testid", "start-input-" + name,
                               "autocomplete", "off", "placeholder", "saved value")
                        .element("small", input.path("description").asText(""), "class", "muted")
                        .close("div");
                }
                html.element("p", "Leave an input blank to keep the value already saved for this candidate.", "class", "muted");
                html.close("fieldset");
            }
            html.element("button", "Start", "type", "submit", "class", "primary", "data-testid", "action-start");
            html.close("form");
        } else {
            // What the dry-run includes (hx-include="#start-inputs"): empty without a start form, so htmx finds it.
            html.element("div", "", "id", "start-inputs", "hidden", "");
        }
        if (status.equals("running") || status.equals("failed")) {
            html.open("form", "method", "post", "action", base + "/cancel", "class", "action-form", "data-testid", "cancel-form")
                .element("button", "Cancel run", "type", "submit", "class", "danger", "data-testid", "action-cancel")
                .close("form");
        }
        currentStep(view.run()).ifPresent(step -> completeForm(html, base, step));
        Optional<String> failed = failedStep(view.run());
        if (failed.isPresent()) {
            html.open("form", "method", "post", "action", base + "/retry-step", "class", "action-form", "data-testid", "retry-form")
                .element("button", "Retry " + failed.get(), "type", "submit", "data-testid", "action-retry")
                .close("form");
        }
        html.close("section");
    }

    /**
     * Completing a step by hand (ADR 0013): a manual step waits for it, and an operator may also settle a step the
     * migrator cannot (a change merged elsewhere, a review done): succeeded, merged or failed, with a message.
     */
    private static void completeForm(Html html, String base, JsonNode step) {
        String name = step.path("name").asText();
        boolean waitingForYou = "operator".equals(step.path("metadata").path("waitingFor").asText());
        html.open("form", "method", "post", "action", base + "/complete-step", "class", "action-form complete-form",
                  "data-testid", "complete-form");
        html.empty("input", "type", "hidden", "name", "step", "value", name);
        html.open("label", "for", "complete-outcome").text(waitingForYou ? name + " waits for you: " : "Complete " + name + " as ")
            .close("label");
        html.open("select", "id", "complete-outcome", "name", "outcome", "data-testid", "complete-outcome");
        for (String outcome : new String[] {"succeeded", "merged", "failed"}) {
            html.element("option", outcome, "value", outcome);
        }
        html.close("select");
        html.empty("input", "type", "text", "name", "message", "aria-label", "Message", "placeholder", "message (optional)",
                   "maxlength", "1000", "data-testid", "complete-message");
        html.element("button", "Complete " + name, "type", "submit", "data-testid", "action-complete");
        html.close("form");
    }

    /** The step a person may complete: the running run's step that is dispatched, pending or failed. */
    static Optional<JsonNode> currentStep(JsonNode run) {
        if (!"running".equals(run.path("runStatus").asText())) {
            return Optional.empty();
        }
        for (JsonNode step : run.path("steps")) {
            String status = step.path("status").asText();
            if (status.equals("dispatched") || status.equals("pending") || status.equals("failed")) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /** The step an operator would retry: the run's failed one, while the run still waits on it. */
    static Optional<String> failedStep(JsonNode run) {
        if (!"running".equals(run.path("runStatus").asText())) {
            return Optional.empty();
        }
        for (JsonNode step : run.path("steps")) {
            if ("failed".equals(step.path("status").asText())) {
                return Optional.of(step.path("name").asText());
            }
        }
        return Optional.empty();
    }

    private static void metadata(Html html, JsonNode metadata) {
        html.open("section", "class", "candidate-metadata", "aria-label", "Metadata").element("h2", "Metadata");
        if (metadata.isEmpty()) {
            html.element("p", "None.", "class", "muted");
        } else {
            html.open("dl", "data-testid", "candidate-metadata");
            for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                html.element("dt", entry.getKey()).element("dd", entry.getValue().asText());
            }
            html.close("dl");
        }
        html.close("section");
    }

    private static void files(Html html, JsonNode groups) {
        html.open("section", "class", "candidate-files", "aria-label", "Files").element("h2", "Files");
        if (groups.isEmpty()) {
            html.element("p", "No file groups.", "class", "muted");
        }
        for (JsonNode group : groups) {
            html.open("div", "class", "file-group", "data-testid", "file-group", "data-group", group.path("name").asText());
            html.open("h3").text(group.path("name").asText());
            String repo = StepTimeline.text(group, "repo");
            if (repo != null) {
                html.text(" ");
                Optional<String> href = Html.externalHref(repo);
                if (href.isPresent()) {
                    html.element("a", repo, "href", href.get(), "rel", "noopener noreferrer", "class", "muted");
                } else {
                    html.element("span", repo, "class", "muted");
                }
            }
            html.close("h3").open("ul");
            for (JsonNode file : group.path("files")) {
                String path = file.path("path").asText();
                Optional<String> href = Html.externalHref(StepTimeline.text(file, "url"));
                html.open("li");
                if (href.isPresent()) {
                    html.element("a", path, "href", href.get(), "rel", "noopener noreferrer", "data-testid", "file");
                } else {
                    html.element("code", path, "data-testid", "file");
                }
                html.close("li");
            }
            html.close("ul").close("div");
        }
        html.close("section");
    }

    private static void dryRun(Html html, View view) {
        html.open("section", "class", "dry-run-panel", "aria-label", "Dry-run").element("h2", "Dry-run");
        if (!view.canOperate()) {
            html.element("p", "A dry-run asks the migrator to simulate every step; it needs the operator role.",
                         "class", "muted", "data-testid", "dry-run-viewer-note");
        } else {
            html.open("p")
                .element("button", "Preview the changes", "type", "button", "data-testid", "dry-run-button",
                         "hx-post", Urls.candidate(view.migrationId(), view.candidateId()) + "/dry-run",
                         "hx-target", "#dry-run", "hx-swap", "outerHTML", "hx-include", "#start-inputs",
                         "hx-indicator", "#dry-run-busy")
                .text(" ")
                .element("span", "Asking the migrator\u2026", "id", "dry-run-busy", "class", "htmx-indicator muted")
                .close("p")
                .element("p", "Simulates every step for this candidate (with the inputs above, if any); nothing is written.",
                         "class", "muted");
        }
        html.element("div", "", "id", "dry-run", "data-testid", "dry-run");
        html.close("section");
    }
}
