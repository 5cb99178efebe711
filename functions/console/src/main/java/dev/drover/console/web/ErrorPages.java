package dev.drover.console.web;

import dev.drover.console.api.ApiError;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Role;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * A page's error state, the same everywhere: without a credential a browser is sent to sign in (an API-style client
 * gets 401); a role that may not is told which role it has; not found, bad input and an unavailable API each say
 * what happened and what to do, with the API's own message.
 */
public final class ErrorPages {
    /** Where the sign-in flow starts (served by the sign-in pages: docs/adr/0009-console.md). */
    public static final String SIGN_IN = Urls.ROOT + "/sign-in";

    private final Layout layout;

    public ErrorPages(Layout layout) {
        this.layout = layout;
    }

    /** The routing refused the caller before any page ran: 401 sends a browser to sign in, the rest is a page. */
    public boolean refusal(ServerRequest req, ServerResponse res, ApiException refusal) {
        int status = refusal.status().code();
        if (status == 401) {
            if (signIn(req, res)) {
                return true;
            }
            if (!wantsHtml(req)) {
                return false; // the routing's JSON 401 with WWW-Authenticate, as for any API client
            }
        }
        if (!wantsHtml(req)) {
            return false;
        }
        show(res, refusal.status(), title(status), refusal.getMessage(), null, Optional.empty());
        return true;
    }

    /** What the API answered, as the page's error state. */
    public void apiError(PageRequest req, ServerResponse res, ApiError error) {
        int status = error.status();
        if (status == 401 && signIn(req.http(), res)) {
            return;
        }
        String message = error.getMessage();
        if (status == 403) {
            message = "Your role (" + req.person().role().map(Role::wire).orElse("none") + ") cannot do this. " + message;
        }
        Optional<String> retry = status == 503 || status == 502 ? Optional.of(req.pathAndQuery()) : Optional.empty();
        if (status == 503) {
            res.header(HeaderNames.RETRY_AFTER, Http.RETRY_AFTER_SECONDS);
        }
        Status shown = switch (status) {
            case 400, 401, 403, 404, 409, 413, 422, 503 -> Status.create(status);
            default -> Status.BAD_GATEWAY_502;
        };
        show(res, shown, title(shown.code()), message, req.person(), retry);
    }

    public void notFound(PageRequest req, ServerResponse res) {
        show(res, Status.NOT_FOUND_404, title(404), "The console has no page at " + req.http().path().rawPath() + ".",
             req.person(), Optional.empty());
    }

    public void show(ServerResponse res, Status status, String title, String message, Principal.User person, Optional<String> retry) {
        Html main = new Html();
        main.open("section", "class", "error-state", "role", "alert", "data-testid", "error-state", "data-status",
                  Integer.toString(status.code()));
        main.element("h1", title);
        main.element("p", message, "data-testid", "error-message");
        main.open("p");
        if (retry.isPresent()) {
            main.element("a", "Try again", "class", "button", "href", retry.get(), "data-testid", "error-retry").text(" ");
        }
        main.element("a", "Back to migrations", "href", Urls.ROOT + "/migrations");
        main.close("p");
        main.close("section");
        layout.send(res, status, title, Layout.Section.MIGRATIONS, person, main);
    }

    /**
     * Sends a browser's page request to sign in, coming back to where it was: a 302 for a page, {@code HX-Redirect}
     * for an htmx request (a redirect would be swapped into the page). False for anything else (an API-style client).
     */
    static boolean signIn(ServerRequest req, ServerResponse res) {
        String location = SIGN_IN + "?next=" + Urls.encode(Paths.pathAndQuery(req));
        if (req.headers().contains(HeaderNames.create("HX-Request"))) {
            res.header(HeaderNames.create("HX-Redirect"), location);
            res.status(Status.UNAUTHORIZED_401).send();
            return true;
        }
        if (req.prologue().method() == Method.GET && wantsHtml(req)) {
            res.header(HeaderNames.LOCATION, location);
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.status(Status.FOUND_302).send();
            return true;
        }
        return false;
    }

    /** A browser navigating (it asks for HTML), not a script asking for JSON or accepting anything. */
    static boolean wantsHtml(ServerRequest req) {
        if (req.headers().first(HeaderNames.create("Sec-Fetch-Mode")).map("navigate"::equals).orElse(false)) {
            return true;
        }
        return req.headers().first(HeaderNames.ACCEPT).map(accept -> accept.contains("text/html")).orElse(false);
    }

    private static String title(int status) {
        return switch (status) {
            case 400, 413 -> "That request does not work";
            case 401 -> "Sign in first";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409, 422 -> "Not possible now";
            case 503 -> "Drover is unavailable";
            default -> "Something went wrong";
        };
    }
}
