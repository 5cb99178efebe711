package dev.drover.console.candidate;

import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.core.auth.Role;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * {@code GET /console/migrations/{id}/candidates/{cid}/timeline}: the timeline fragment htmx swaps in when the run moves,
 * with the header's status and the actions riding along out of band.
 */
public final class TimelineRoute implements Page {
    private final ConsoleApi api;

    public TimelineRoute(ConsoleApi api) {
        this.api = api;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        String cid = req.param("cid");
        CandidateData data = CandidateData.read(api, id, cid, req.token());
        CandidatePage.View view = new CandidatePage.View(id, cid, data.migration(), data.candidate(), data.run(), req.may(Role.OPERATOR),
                                                         Optional.empty(), Optional.empty(), CandidateRoute.refresh(id, cid));
        Layout.sendFragment(res, StepTimeline.fragment(data.run(), view.refresh()).add(CandidatePage.actionsOutOfBand(view)));
    }
}
