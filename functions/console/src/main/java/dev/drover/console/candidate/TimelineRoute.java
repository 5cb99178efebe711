package dev.drover.console.candidate;

import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /console/migrations/{id}/candidates/{cid}/timeline}: the timeline fragment htmx swaps in when the run moves. */
public final class TimelineRoute implements Page {
    private final ConsoleApi api;

    public TimelineRoute(ConsoleApi api) {
        this.api = api;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        String cid = req.param("cid");
        Layout.sendFragment(res, StepTimeline.fragment(api.get(CandidateData.steps(id, cid), req.token()),
                                                       CandidateRoute.refresh(id, cid)));
    }
}
