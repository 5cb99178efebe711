package dev.drover.console;

import dev.drover.console.api.ConsoleApi;
import dev.drover.console.candidate.CandidateAction;
import dev.drover.console.candidate.CandidateLive;
import dev.drover.console.candidate.CandidateRoute;
import dev.drover.console.candidate.DryRunRoute;
import dev.drover.console.candidate.TimelineRoute;
import dev.drover.console.history.HistoryRoute;
import dev.drover.console.pages.BulkAction;
import dev.drover.console.pages.LiveRelay;
import dev.drover.console.pages.MigrationPage;
import dev.drover.console.pages.MigrationsPage;
import dev.drover.console.signin.SignIn;
import dev.drover.console.web.Assets;
import dev.drover.console.web.ErrorPages;
import dev.drover.console.web.Layout;
import dev.drover.console.web.Router;
import dev.drover.console.web.Urls;
import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The console: server-rendered pages at {@code /console} and below, for people in a browser (docs/adr/0009-console.md).
 * A backend for the frontend: each page asks the API over HTTP with the person's own token and renders HTML; htmx and
 * its SSE extension make the pages live. It holds no state and opens no store.
 *
 * <p>Access {@link Access#SESSION}: the routing proves the person from the bearer header or the session cookie
 * before any page runs; a browser without one is sent to sign in, an API-style client gets 401.
 */
public final class Console implements Function {
    private final Router router;
    private final ErrorPages errors;
    // Sign-in, callback and sign-out come without a credential: they are answered before the router, and on refusal.
    private final SignIn signIn;

    public Console(ConsoleApi api, SignIn signIn) {
        this.signIn = signIn;
        Assets assets = new Assets();
        Layout layout = new Layout(assets);
        this.errors = new ErrorPages(layout);
        MigrationsPage migrations = new MigrationsPage(api, layout);
        // The console's routes: one small Page class each; how to add one is in Router's comment.
        this.router = new Router(errors)
                .get("/", migrations)
                .get("/migrations", migrations)
                .get("/migrations/{id}", new MigrationPage(api, layout))
                .get("/migrations/{id}/live", new LiveRelay(api))
                .post("/migrations/{id}/bulk", new BulkAction(api))
                .get("/migrations/{id}/history", new HistoryRoute(api, layout, assets))
                .get("/migrations/{id}/candidates/{cid}", new CandidateRoute(api, layout))
                .get("/migrations/{id}/candidates/{cid}/timeline", new TimelineRoute(api))
                .get("/migrations/{id}/candidates/{cid}/live", new CandidateLive(api))
                .post("/migrations/{id}/candidates/{cid}/start", new CandidateAction(api, layout, CandidateAction.Kind.START))
                .post("/migrations/{id}/candidates/{cid}/cancel", new CandidateAction(api, layout, CandidateAction.Kind.CANCEL))
                .post("/migrations/{id}/candidates/{cid}/retry-step",
                      new CandidateAction(api, layout, CandidateAction.Kind.RETRY_STEP))
                .post("/migrations/{id}/candidates/{cid}/complete-step",
                      new CandidateAction(api, layout, CandidateAction.Kind.COMPLETE_STEP))
                .post("/migrations/{id}/candidates/{cid}/dry-run", new DryRunRoute(api))
                .get("/assets/{fingerprint}/{name}", assets.page());
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.pages("console", Urls.ROOT, Access.SESSION);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (signIn.handle(req.path().path(), req, res)) {
            return;
        }
        router.serve(req, res);
    }

    @Override
    public boolean answerRefusal(ServerRequest req, ServerResponse res, ApiException refusal) {
        if (signIn.handle(req.path().path(), req, res)) {
            return true;
        }
        return errors.refusal(req, res, refusal);
    }
}
