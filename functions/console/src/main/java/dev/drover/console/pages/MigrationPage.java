package dev.drover.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Html;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import dev.drover.core.auth.Role;
import dev.drover.contract.model.CandidateStatus;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /console/migrations/{id}}: the migration's overview (description, phases, steps, required inputs), its
 * progress, and its candidates one page at a time (the API's cursor paging, 50 a page; never all of them), filtered
 * by status, metadata and id prefix. Operators and admins get row checkboxes and the bulk bar. The page subscribes
 * to {@code ./live} (htmx's SSE extension): rows and the progress bar change as candidates do.
 */
public final class MigrationPage implements Page {
    /** Candidates per page: what a person scans; the API allows more. */
    public static final int PAGE_SIZE = 50;

    private final ConsoleApi api;
    private final Layout layout;

    public MigrationPage(ConsoleApi api, Layout layout) {
        this.api = api;
        this.layout = layout;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        JsonNode migration = api.get("/migrations/" + Urls.encode(id), req.token());
        CandidateFilter filter = CandidateFilter.read(req::query);
        Optional<String> cursor = req.query("cursor");
        JsonNode page = filter.problem().isPresent() ? null
                : api.get("/migrations/" + Urls.encode(id) + "/candidates" + filter.apiQuery(cursor, PAGE_SIZE), req.token());
        boolean operator = req.may(Role.OPERATOR);

        Html main = new Html();
        String name = migration.path("name").asText(id);
        main.open("nav", "class", "crumbs", "aria-label", "Breadcrumb");
        main.element("a", "Migrations", "href", Urls.ROOT + "/migrations").text(" / ");
        main.close("nav");
        main.open("header", "class", "page-head");
        main.element("h1", name, "data-testid", "migration-name");
        main.open("p", "class", "meta");
        main.element("span", id, "class", "id");
        main.text(" · owner ").element("span", migration.path("owner").asText("—"), "data-testid", "migration-owner");
        main.text(" · ").element("a", "history", "href", Urls.console("migrations", id, "history"), "data-testid", "history-link");
        main.close("p");
        if (!migration.path("description").asText("").isEmpty()) {
            main.element("p", migration.path("description").asText(), "class", "description", "data-testid", "migration-description");
        }
        main.close("header");

        // The live relay swaps the progress bar and rows by id; hx-swap="none": only out-of-band swaps happen.
        main.open("div", "id", "live", "class", "live", "hx-ext", "sse", "sse-connect", Urls.console("migrations", id, "live"),
                  "sse-swap", "candidate,counts", "hx-swap", "none", "data-testid", "live");
        main.element("span", "connecting…", "class", "live-state", "aria-live", "polite", "data-testid", "live-state");
        main.close("div");
        main.add(ProgressBar.render(id, migration.path("candidates"), false));

        notice(main, req);
        overview(main, migration);

        main.open("section", "class", "candidates", "aria-labelledby", "candidates-heading");
        main.element("h2", "Candidates", "id", "candidates-heading");
        filterForm(main, id, filter);
        if (filter.problem().isPresent()) {
            main.element("p", filter.problem().get(), "class", "filter-problem", "role", "alert", "data-testid", "filter-problem");
        } else {
            if (operator) {
                bulkBar(main, id, filter);
            }
            table(main, id, page.path("items"), operator, filter);
            paging(main, id, filter, cursor, page.path("nextCursor"));
        }
        main.close("section");
        layout.send(res, Status.OK_200, name, Layout.Section.MIGRATIONS, req.person(), main);
    }

    private static void overview(Html h, JsonNode migration) {
        h.open("section", "class", "overview", "aria-labelledby", "overview-heading", "data-testid", "overview");
        h.element("h2", "Overview", "id", "overview-heading");
        JsonNode phases = migration.path("overview");
        if (phases.isArray() && !phases.isEmpty()) {
            h.element("h3", "Phases");
            h.open("ol", "class", "phases", "data-testid", "phases");
            phases.forEach(p -> h.element("li", p.asText()));
            h.close("ol");
        }
        h.element("h3", "Steps");
        h.open("ol", "class", "steps", "data-testid", "steps");
        for (JsonNode step : migration.path("steps")) {
            h.open("li");
            h.element("strong", step.path("name").asText());
            if (!step.path("description").asText("").isEmpty()) {
                h.text(" — ").text(step.path("description").asText());
            }
            h.element("span", "by " + step.path("migratorApp").asText(), "class", "muted");
            h.close("li");
        }
        h.close("ol");
        JsonNode inputs = migration.path("requiredInputs");
        if (inputs.isArray() && !inputs.isEmpty()) {
            h.element("h3", "Required inputs");
            h.open("dl", "class", "inputs", "data-testid", "required-inputs");
            for (JsonNode input : inputs) {
                String label = input.path("label").asText("");
                h.element("dt", label.isEmpty() ? input.path("name").asText() : label + " (" + input.path("name").asText() + ")");
                h.element("dd", input.path("description").asText(""));
            }
            h.close("dl");
        }
        h.close("section");
    }

    private static void filterForm(Html h, String id, CandidateFilter filter) {
        h.open("form", "class", "filter", "method", "get", "action", Urls.migration(id), "role", "search",
               "data-testid", "candidate-filter");
        h.open("label").text("Status ");
        h.open("select", "name", "status", "data-testid", "filter-status");
        h.element("option", "any", "value", "", "selected", filter.status().isEmpty() ? "" : null);
        for (CandidateStatus s : CandidateStatus.values()) {
            h.element("option", s.wire().replace('_', ' '), "value", s.wire(),
                      "selected", filter.status().map(s.wire()::equals).orElse(false) ? "" : null);
        }
        h.close("select").close("label");
        h.open("label").text("Metadata ");
        h.empty("input", "type", "text", "name", "meta", "value", filter.metadataText(), "placeholder", "team=payments env=prod",
                "data-testid", "filter-meta", "autocomplete", "off", "spellcheck", "false");
        h.close("label");
        h.open("label").text("Id starts with ");
        h.empty("input", "type", "search", "name", "q", "value", filter.idPrefix().orElse(""), "data-testid", "filter-id",
                "autocomplete", "off", "spellcheck", "false");
        h.close("label");
        h.element("button", "Filter", "type", "submit", "data-testid", "filter-submit");
        if (!filter.isEmpty()) {
            h.element("a", "Clear", "href", Urls.migration(id), "data-testid", "filter-clear");
        }
        h.close("form");
    }

    /** Start, retry and cancel for what is checked, or for everything the filter matches. */
    private static void bulkBar(Html h, String id, CandidateFilter filter) {
        h.open("form", "id", "bulk-form", "class", "bulk", "method", "post", "action", Urls.console("migrations", id, "bulk"),
               "data-testid", "bulk-bar", "aria-label", "Bulk actions");
        for (Map.Entry<String, String> param : filter.consoleParams()) {
            h.empty("input", "type", "hidden", "name", param.getKey(), "value", param.getValue());
        }
        h.open("label", "class", "all-matching");
        h.empty("input", "type", "checkbox", "name", "scope", "value", "filter", "data-testid", "select-all-matching");
        h.text(filter.isEmpty() ? " Select all candidates" : " Select all matching the filter");
        h.close("label");
        h.element("span", "0 selected", "class", "selected-count", "aria-live", "polite", "data-testid", "selected-count");
        h.open("label", "class", "concurrency").text("Concurrency ");
        h.empty("input", "type", "number", "name", "concurrency", "value", "20", "min", "1", "max", "1000", "data-testid", "bulk-concurrency");
        h.close("label");
        h.element("button", "Start rollout", "type", "submit", "name", "action", "value", "start", "data-testid", "bulk-start");
        h.element("button", "Retry failed", "type", "submit", "name", "action", "value", "retry", "data-testid", "bulk-retry");
        h.element("button", "Cancel running", "type", "submit", "name", "action", "value", "cancel", "class", "danger",
                  "data-testid", "bulk-cancel");
        h.close("form");
    }

    private static void table(Html h, String id, JsonNode items, boolean selectable, CandidateFilter filter) {
        if (!items.isArray() || items.isEmpty()) {
            h.open("div", "class", "empty-state", "data-testid", "empty-state");
            h.element("p", filter.isEmpty() ? "This migration has no candidates yet: its migrator submits them when it discovers them."
                    : "No candidate matches this filter.");
            h.close("div");
            return;
        }
        h.open("div", "class", "table-wrap");
        h.open("table", "class", "candidates", "data-testid", "candidates-table");
        h.open("thead").open("tr");
        if (selectable) {
            h.open("th", "scope", "col", "class", "select");
            h.empty("input", "type", "checkbox", "class", "page-select", "aria-label", "Select every candidate on this page",
                    "data-testid", "select-page");
            h.close("th");
        }
        for (String heading : new String[]{"Candidate", "Status", "Step", "Step status", "Message", "Change"}) {
            h.element("th", heading, "scope", "col");
        }
        h.close("tr").close("thead");
        h.open("tbody", "id", "candidate-rows");
        for (JsonNode c : items) {
            h.add(CandidateRow.render(id, c.path("id").asText(), c.path("status").asText(), c.get("run"), selectable, false));
        }
        h.close("tbody");
        h.close("table");
        h.close("div");
    }

    private static void paging(Html h, String id, CandidateFilter filter, Optional<String> cursor, JsonNode next) {
        h.open("nav", "class", "paging", "aria-label", "Candidate pages", "data-testid", "paging");
        if (cursor.isPresent()) {
            h.element("a", "← First page", "href", Urls.withQuery(Urls.migration(id), filter.consoleParams()), "data-testid", "page-first");
        }
        if (next.isTextual() && !next.asText().isEmpty()) {
            List<Map.Entry<String, String>> params = new ArrayList<>(filter.consoleParams());
            params.add(Map.entry("cursor", next.asText()));
            h.element("a", "Next " + PAGE_SIZE + " →", "href", Urls.withQuery(Urls.migration(id), params), "rel", "next",
                      "data-testid", "page-next");
        }
        h.close("nav");
    }

    /** What the last bulk action did, from the numbers its redirect carries (only numbers and known words are read). */
    private static void notice(Html h, PageRequest req) {
        Optional<String> done = req.query("done");
        if (done.isEmpty()) {
            return;
        }
        String text = switch (done.get()) {
            case "start" -> "Rollout started" + number(req, "selected").map(n -> " over " + n + " candidates").orElse("") + ".";
            case "retry" -> "Retry asked" + number(req, "applied").map(n -> ": " + n + " candidates retried").orElse("")
                    + number(req, "skipped").map(n -> ", " + n + " skipped").orElse("") + ".";
            case "cancel" -> "Cancel asked" + number(req, "applied").map(n -> ": " + n + " candidates cancelled").orElse("")
                    + number(req, "skipped").map(n -> ", " + n + " skipped").orElse("") + ".";
            case "none" -> "Nothing was selected: tick candidates, or select all matching the filter.";
            default -> null;
        };
        if (text != null) {
            h.element("p", text, "class", "notice", "role", "status", "data-testid", "notice");
        }
    }

    private static Optional<Long> number(PageRequest req, String name) {
        return req.query(name).filter(v -> v.matches("\\d{1,9}")).map(Long::parseLong);
    }
}
