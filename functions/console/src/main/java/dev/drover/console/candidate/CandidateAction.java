package dev.drover.console.candidate;

import dev.drover.console.api.ApiError;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code POST /console/migrations/{id}/candidates/{cid}/start|cancel|retry-step|complete-step}: the candidate page's action
 * forms.
 * Each calls the API's route of the same name with the person's token; what took effect answers 303 to the page
 * (which says so), what the API refused re-renders the page with its status, code and message (409
 * {@code already_running}, 403 for a viewer, 503 while Temporal is down). Same-origin is checked by the router.
 */
public final class CandidateAction implements Page {
    /** The three actions: the API route each calls and the console's name for it. */
    public enum Kind {
        START("start", "Start"), CANCEL("cancel", "Cancel"), RETRY_STEP("retry-step", "Retry"), COMPLETE_STEP("complete-step", "Complete");

        private final String route;
        private final String label;

        Kind(String route, String label) {
            this.route = route;
            this.label = label;
        }

        public String route() {
            return route;
        }
    }

    private final ConsoleApi api;
    private final Layout layout;
    private final Kind kind;

    public CandidateAction(ConsoleApi api, Layout layout, Kind kind) {
        this.api = api;
        this.layout = layout;
        this.kind = kind;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        String cid = req.param("cid");
        String route = kind.route;
        Map<String, Object> body = Map.of();
        if (kind == Kind.START) {
            body = Map.of("inputs", inputs(form(req)));
        } else if (kind == Kind.COMPLETE_STEP) {
            // The API's route names the step: /steps/{step}/complete, with the outcome and message in the body.
            Parameters form = form(req);
            route = "steps/" + Urls.encode(form.first("step").asOptional().orElse("")) + "/complete";
            body = Map.of("outcome", form.first("outcome").asOptional().orElse(""),
                          "message", form.first("message").asOptional().orElse(""));
        }
        CandidatePage.Notice notice;
        try {
            var answer = api.post("/migrations/" + Urls.encode(id) + "/candidates/" + Urls.encode(cid) + "/" + route, body,
                                  req.token());
            notice = switch (kind) {
                case START -> CandidatePage.Notice.STARTED;
                case CANCEL -> "cancelling".equals(answer.path("status").asText()) ? CandidatePage.Notice.CANCELLING
                        : CandidatePage.Notice.CANCELLED;
                case RETRY_STEP -> CandidatePage.Notice.RETRIED;
                case COMPLETE_STEP -> CandidatePage.Notice.COMPLETED;
            };
        } catch (ApiError e) {
            if (e.status() == 401) {
                throw e; // the session ended: the router sends the person to sign in
            }
            CandidateRoute.show(api, layout, req, res, Status.create(e.status()), Optional.empty(),
                                Optional.of(new CandidatePage.Refusal(kind.label, e.status(), e.code(), e.getMessage())));
            return;
        }
        res.header(HeaderNames.LOCATION, Urls.withQuery(Urls.candidate(id, cid), List.of(Map.entry("done", notice.wire()))));
        res.status(Status.SEE_OTHER_303).send();
    }

    /** The form's {@code input.<name>} fields that are not blank: a blank one keeps the value saved for the candidate. */
    static Map<String, String> inputs(Parameters form) {
        Map<String, String> inputs = new TreeMap<>();
        for (String name : form.names()) {
            if (name.startsWith("input.") && name.length() > "input.".length()) {
                form.first(name).asOptional().map(String::trim).filter(v -> !v.isEmpty())
                        .ifPresent(v -> inputs.put(name.substring("input.".length()), v));
            }
        }
        return inputs;
    }

    /** An {@code application/x-www-form-urlencoded} body, as the page's forms and htmx post it; none is an empty form. */
    static Parameters form(PageRequest req) {
        if (!req.http().content().hasEntity()) {
            return Parameters.empty("form");
        }
        try {
            return req.http().content().as(Parameters.class);
        } catch (RuntimeException e) {
            throw new ApiError(400, "bad_form", "the form's body is not URL-encoded");
        }
    }
}
