package dev.drover.console.web;

import dev.drover.console.api.ApiError;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Principals;
import dev.drover.core.auth.SessionCredential;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The console's routes within {@code /console}. The Drover routing has already proven the person (bearer header or
 * session cookie) before a request gets here; the router picks the page, refuses a cross-site POST
 * ({@link SameOrigin}) and turns what the API answered into the page's error state.
 *
 * <h2>Adding a page</h2>
 * <pre>{@code
 * // 1. A small class implementing Page (one route, one reason to change), taking what it needs in its constructor:
 * final class HistoryPage implements Page {
 *     HistoryPage(ConsoleApi api, Layout layout) { ... }
 *     public void serve(PageRequest req, ServerResponse res) {
 *         JsonNode audit = api.get("/history/audit?migration=" + Urls.encode(req.param("id")), req.token());
 *         Html main = new Html();  // text and attribute values are escaped by Html
 *         ...
 *         layout.send(res, Status.OK_200, "History", Layout.Section.MIGRATIONS, req.person(), main);
 *     }
 * }
 * // 2. Register it in Console's constructor, with a pattern relative to /console ({name} is one path segment):
 * router.get("/migrations/{id}/history", new HistoryPage(api, layout));
 * // 3. An action: router.post(...). Every POST is checked same-origin here; answer it with a 303 to a page.
 * }</pre>
 * Routes are tried in the order registered; the first that matches serves.
 */
public final class Router {
    private static final System.Logger LOGGER = System.getLogger(Router.class.getName());

    private record Route(Method method, PathMatcher path, Page page) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final ErrorPages errors;

    public Router(ErrorPages errors) {
        this.errors = errors;
    }

    /** A page at {@code pattern} below {@code /console} ({@code "/"} is the console's root, with or without the slash). */
    public Router get(String pattern, Page page) {
        return add(Method.GET, pattern, page);
    }

    /** An action (a form's POST) at {@code pattern} below {@code /console}; same-origin is checked before it runs. */
    public Router post(String pattern, Page page) {
        return add(Method.POST, pattern, page);
    }

    private Router add(Method method, String pattern, Page page) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a console route starts with /: " + pattern);
        }
        if (pattern.equals("/")) {
            routes.add(new Route(method, PathMatchers.exact(Urls.ROOT), page));
        }
        routes.add(new Route(method, PathMatchers.create(Urls.ROOT + pattern), page));
        return this;
    }

    public void serve(ServerRequest req, ServerResponse res) {
        Principal.User person = (Principal.User) Principals.of(req); // Access.SESSION admits people alone
        SessionCredential credential = SessionCredential.of(req);
        Method method = req.prologue().method();
        boolean pathKnown = false;
        for (Route route : routes) {
            PathMatchers.MatchResult match = route.path().match(req.prologue().uriPath());
            if (!match.accepted()) {
                continue;
            }
            pathKnown = true;
            if (route.method() != method) {
                continue;
            }
            PageRequest page = new PageRequest(req, match.path().pathParameters(), person, credential);
            if (method == Method.POST) {
                Optional<String> refusal = SameOrigin.refusal(req, credential);
                if (refusal.isPresent()) {
                    errors.show(res, Status.FORBIDDEN_403, "Refused: not from the console", refusal.get(), person, Optional.empty());
                    return;
                }
            }
            serve(route, page, res);
            return;
        }
        PageRequest page = new PageRequest(req, Parameters.empty("path"), person, credential);
        if (pathKnown) {
            errors.show(res, Status.METHOD_NOT_ALLOWED_405, "Not possible here",
                        method.text() + " is not served at " + req.path().rawPath(), person, Optional.empty());
            return;
        }
        errors.notFound(page, res);
    }

    private void serve(Route route, PageRequest page, ServerResponse res) {
        try {
            route.page().serve(page, res);
        } catch (ApiError e) {
            if (res.isSent()) {
                LOGGER.log(Level.DEBUG, "the API failed after the answer started: " + e.getMessage());
                return;
            }
            errors.apiError(page, res, e);
        } catch (RuntimeException e) {
            LOGGER.log(Level.ERROR, "console page " + page.http().path().rawPath() + " failed", e);
            if (!res.isSent()) {
                errors.show(res, Status.INTERNAL_SERVER_ERROR_500, "Something went wrong",
                            "The console failed to show this page; the server log says why.", page.person(), Optional.of(page.pathAndQuery()));
            }
        }
    }
}
