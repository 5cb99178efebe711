package dev.drover.console.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ApiError;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Assets;
import dev.drover.console.web.Html;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import dev.drover.core.auth.Role;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /console/migrations/{id}/history?bucket=day|hour&actor=&action=&cursor=}: the {@link HistoryPage}. Each
 * section reads its own {@code /history/...} endpoint, so one that fails says so in its place; the audit log is read
 * only for an admin (the API's rule), anyone else is told it is for admins.
 */
public final class HistoryRoute implements Page {
    /** Recent failures shown: a screenful; the API allows up to 200. */
    static final int FAILURES = 20;
    /** Audit entries per page. */
    static final int AUDIT_PAGE = 50;

    private final ConsoleApi api;
    private final Layout layout;
    private final Assets assets;

    public HistoryRoute(ConsoleApi api, Layout layout, Assets assets) {
        this.api = api;
        this.layout = layout;
        this.assets = assets;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        JsonNode migration = api.get("/migrations/" + Urls.encode(id), req.token());
        HistoryPage.Bucket bucket = HistoryPage.Bucket.fromQuery(req.query("bucket").orElse(""));
        HistoryPage.AuditFilter filter = new HistoryPage.AuditFilter(req.query("actor").orElse(null),
                                                                     req.query("action").orElse(null),
                                                                     req.query("cursor").orElse(null));
        String encoded = Urls.encode(id);
        Part burndown = part(() -> api.get("/history/burndown?migration=" + encoded + "&bucket=" + bucket.wire(), req.token()));
        Part steps = part(() -> api.get("/history/steps?migration=" + encoded, req.token()));
        Part failures = part(() -> api.get("/history/failures?migration=" + encoded + "&limit=" + FAILURES, req.token()));
        Optional<Part> audit = req.may(Role.ADMIN)
                ? Optional.of(part(() -> api.get(Urls.withQuery("/history/audit", List.of(
                        Map.entry("migration", id),
                        Map.entry("actor", filter.actor() == null ? "" : filter.actor()),
                        Map.entry("action", filter.action() == null ? "" : filter.action()),
                        Map.entry("cursor", filter.cursor() == null ? "" : filter.cursor()),
                        Map.entry("limit", Integer.toString(AUDIT_PAGE)))), req.token())))
                : Optional.empty();
        Html main = HistoryPage.render(new HistoryPage.View(id, migration, bucket, burndown, steps, failures, filter, audit));
        // The chart's scripts, on this page alone (the layout's head carries what every page needs).
        main.empty("link", "rel", "stylesheet", "href", assets.url("uPlot.min.css"))
            .open("script", "src", assets.url("uPlot.iife.min.js"), "defer", "").close("script")
            .open("script", "src", assets.url("history.js"), "defer", "").close("script");
        layout.send(res, Status.OK_200, "History \u00b7 " + migration.path("name").asText(id), Layout.Section.MIGRATIONS,
                    req.person(), main);
    }

    /** One section's answer; a refusal or an unavailable history becomes that section's message, a lost session does not. */
    private static Part part(Supplier<JsonNode> read) {
        try {
            return new Part.Ok(read.get());
        } catch (ApiError e) {
            if (e.status() == 401) {
                throw e;
            }
            return new Part.Failed(e.status(), e.code(), e.getMessage());
        }
    }
}
