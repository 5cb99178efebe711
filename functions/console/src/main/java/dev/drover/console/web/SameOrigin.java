package dev.drover.console.web;

import dev.drover.core.auth.SessionCredential;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.URI;
import java.util.Optional;

/**
 * Cross-site request forgery, refused: a browser attaches the session cookie to any request to the console, even
 * one another site's page makes it send, so a state-changing request the cookie proves must also show it comes from
 * the console's own pages. Browsers say so themselves: {@code Sec-Fetch-Site: same-origin} (every current browser),
 * else an {@code Origin} whose host is the one the request was sent to. A request with a bearer header needs no such
 * proof: no browser adds that header on another site's behalf. The router applies this to every POST, so an action a
 * page adds is covered without asking.
 */
public final class SameOrigin {
    private static final io.helidon.http.HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");
    private static final io.helidon.http.HeaderName FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");

    private SameOrigin() {
    }

    /** Why the request must be refused, or empty when it may change state. */
    public static Optional<String> refusal(ServerRequest req, SessionCredential credential) {
        if (credential.source() == SessionCredential.Source.HEADER) {
            return Optional.empty();
        }
        Optional<String> site = req.headers().first(SEC_FETCH_SITE);
        if (site.isPresent()) {
            return site.get().equals("same-origin") ? Optional.empty()
                    : Optional.of("this request came from another site (Sec-Fetch-Site: " + site.get() + ")");
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty() || origin.get().equals("null")) {
            return Optional.of("this request does not say where it comes from (no Origin): send it from the console's page");
        }
        String host;
        try {
            URI uri = URI.create(origin.get());
            host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return Optional.of("the Origin header is not a URL");
        }
        // Behind the API entry the Host may be rewritten to the function's name; the proxy keeps the original.
        boolean same = req.headers().first(FORWARDED_HOST).map(host::equalsIgnoreCase).orElse(false)
                || req.headers().first(HeaderNames.HOST).map(host::equalsIgnoreCase).orElse(false);
        return same ? Optional.empty() : Optional.of("this request came from another site (Origin: " + origin.get() + ")");
    }
}
