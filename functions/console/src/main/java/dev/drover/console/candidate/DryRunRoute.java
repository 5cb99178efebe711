package dev.drover.console.candidate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.console.api.ApiError;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.dryrun.DiffLayout;
import dev.drover.console.dryrun.DryRunView;
import dev.drover.console.web.Html;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import dev.drover.contract.dryrun.DryRunResult;
import dev.drover.contract.json.Json;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /console/migrations/{id}/candidates/{cid}/dry-run?layout=unified|split}: asks the API for a dry-run
 * (with the start form's inputs, if any were typed) and answers the {@link DryRunView} as a fragment htmx swaps into
 * the candidate page. What the API or the migrator refused (422 with the migrator's own code, 409 no URL, 502 not
 * reachable) is the fragment too, as an alert: htmx swaps only a 2xx answer, so it is sent as one.
 */
public final class DryRunRoute implements Page {
    /** The API's answer read leniently: a field the API adds must not blank the viewer. */
    private static final ObjectMapper LENIENT = Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ConsoleApi api;
    private final DryRunView view = new DryRunView();

    public DryRunRoute(ConsoleApi api) {
        this.api = api;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        String cid = req.param("cid");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidateId", cid);
        Map<String, String> inputs = CandidateAction.inputs(CandidateAction.form(req));
        if (!inputs.isEmpty()) {
            body.put("inputs", inputs);
        }
        String action = Urls.candidate(id, cid) + "/dry-run";
        DiffLayout layout = DiffLayout.fromQuery(req.query("layout").orElse(""));
        JsonNode answer;
        try {
            answer = api.post("/migrations/" + Urls.encode(id) + "/dry-run", body, req.token());
        } catch (ApiError e) {
            if (e.status() == 401) {
                throw e;
            }
            Layout.sendFragment(res, refused(e));
            return;
        }
        DryRunResult result;
        try {
            result = LENIENT.treeToValue(answer, DryRunResult.class);
        } catch (Exception e) {
            Layout.sendFragment(res, refused(new ApiError(502, "api_answer_unreadable", "the dry-run's answer could not be read")));
            return;
        }
        Layout.sendFragment(res, new Html().trusted(view.render(result, layout, action)));
    }

    static Html refused(ApiError e) {
        return new Html().open("section", "id", "dry-run", "class", "error-state", "role", "alert", "data-testid", "dry-run-error",
                               "data-code", e.code())
                .element("strong", "No dry-run: ")
                .text(e.getMessage().isBlank() ? "the API answered " + e.status() : e.getMessage())
                .text(" ").element("code", e.code())
                .close("section");
    }
}
