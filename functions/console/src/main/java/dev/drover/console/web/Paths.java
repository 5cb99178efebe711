package dev.drover.console.web;

import io.helidon.webserver.http.ServerRequest;

/** What the browser asked for, as the console puts it back in a link. */
final class Paths {
    private Paths() {
    }

    /** The raw (still encoded) path and query: safe to put back in a URL as is, after escaping for HTML. */
    static String pathAndQuery(ServerRequest req) {
        String query = req.query().rawValue();
        return req.path().rawPath() + (query == null || query.isEmpty() ? "" : "?" + query);
    }
}
