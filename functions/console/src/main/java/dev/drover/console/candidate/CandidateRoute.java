package dev.drover.console.candidate;

import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import dev.drover.core.auth.Role;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * {@code GET /console/migrations/{id}/candidates/{cid}}: the {@link CandidatePage}; {@code ?done=} names the action
 * that just took effect (the actions answer with a 303 here).
 */
public final class CandidateRoute implements Page {
    private final ConsoleApi api;
    private final Layout layout;

    public CandidateRoute(ConsoleApi api, Layout layout) {
        this.api = api;
        this.layout = layout;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        show(api, layout, req, res, Status.OK_200, req.query("done").flatMap(CandidatePage.Notice::fromQuery), Optional.empty());
    }

    /** The page, as this route and a refused action both answer it. */
    static void show(ConsoleApi api, Layout layout, PageRequest req, ServerResponse res, Status status,
                     Optional<CandidatePage.Notice> notice, Optional<CandidatePage.Refusal> refusal) {
        String id = req.param("id");
        String cid = req.param("cid");
        CandidateData data = CandidateData.read(api, id, cid, req.token());
        CandidatePage.View view = new CandidatePage.View(id, cid, data.migration(), data.candidate(), data.run(),
                                                         req.may(Role.OPERATOR), notice, refusal, refresh(id, cid));
        layout.send(res, status, CandidatePage.title(view), Layout.Section.MIGRATIONS, req.person(), CandidatePage.render(view));
    }

    /**
     * The timeline follows the candidate's events (the {@link CandidateLive} relay) and, as a safety net for an event
     * missed while the stream reconnects, re-reads itself every 10 seconds.
     */
    static StepTimeline.Refresh refresh(String id, String cid) {
        String base = Urls.candidate(id, cid);
        return new StepTimeline.Refresh.Live(base + "/live", "changed", base + "/timeline", 10);
    }
}
