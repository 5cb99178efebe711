package dev.drover.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Html;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /console/} and {@code /console/migrations}: every migration with its owner app, its progress, what is
 * running and failed, and when its migrator last announced it. Everything shown comes from {@code GET /migrations},
 * so a new migration type appears here with no change to the console.
 */
public final class MigrationsPage implements Page {
    private final ConsoleApi api;
    private final Layout layout;

    public MigrationsPage(ConsoleApi api, Layout layout) {
        this.api = api;
        this.layout = layout;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        JsonNode items = api.get("/migrations", req.token()).path("items");
        Html main = new Html();
        main.element("h1", "Migrations");
        if (!items.isArray() || items.isEmpty()) {
            main.open("section", "class", "empty-state", "data-testid", "empty-state");
            main.element("p", "No migrations yet.");
            main.element("p", "A migrator announces its migration when it starts; once it has, the migration and its "
                    + "candidates appear here.");
            main.close("section");
        } else {
            table(main, items);
        }
        layout.send(res, Status.OK_200, "Migrations", Layout.Section.MIGRATIONS, req.person(), main);
    }

    private static void table(Html h, JsonNode items) {
        h.open("div", "class", "table-wrap");
        h.open("table", "class", "migrations", "data-testid", "migrations-table");
        h.element("caption", items.size() + (items.size() == 1 ? " migration" : " migrations"), "class", "visually-hidden");
        h.open("thead").open("tr");
        for (String heading : new String[]{"Migration", "Owner", "Progress", "Running", "Failed", "Last announced"}) {
            h.element("th", heading, "scope", "col");
        }
        h.close("tr").close("thead");
        h.open("tbody");
        for (JsonNode m : items) {
            String id = m.path("id").asText();
            JsonNode counts = m.path("candidates");
            long running = counts.path("byStatus").path("running").asLong(0);
            long failed = counts.path("byStatus").path("failed").asLong(0);
            h.open("tr", "id", "migration-" + id, "data-testid", "migration-row", "data-migration", id);
            h.open("th", "scope", "row", "class", "name");
            h.element("a", m.path("name").asText(id), "href", Urls.migration(id), "data-testid", "migration-link");
            h.element("span", id, "class", "id");
            if (!m.path("description").asText("").isEmpty()) {
                h.element("span", m.path("description").asText(), "class", "description", "data-testid", "migration-description");
            }
            h.close("th");
            h.element("td", m.path("owner").asText("—"), "data-label", "Owner", "data-testid", "migration-owner");
            h.open("td", "data-label", "Progress", "class", "progress-cell");
            h.add(ProgressBar.render(id, counts, false));
            h.close("td");
            h.element("td", Long.toString(running), "data-label", "Running", "class", running > 0 ? "count running" : "count",
                      "data-testid", "migration-running");
            h.element("td", Long.toString(failed), "data-label", "Failed", "class", failed > 0 ? "count failed" : "count",
                      "data-testid", "migration-failed");
            h.open("td", "data-label", "Last announced");
            Times.render(h, m.path("updatedAt").asText(""));
            h.close("td");
            h.close("tr");
        }
        h.close("tbody");
        h.close("table");
        h.close("div");
    }
}
