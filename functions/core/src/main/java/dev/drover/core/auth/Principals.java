package dev.drover.core.auth;

import io.helidon.webserver.http.ServerRequest;

/** The principal the routing proved for a request, for the function that handles it. */
public final class Principals {
    private static final Object KEY = new Object();

    private Principals() {
    }

    public static void set(ServerRequest req, Principal principal) {
        req.context().register(KEY, principal);
    }

    /** The caller; every routed request has one (the routing refuses the request before the function otherwise). */
    public static Principal of(ServerRequest req) {
        return req.context().get(KEY, Principal.class)
                .orElseThrow(() -> new IllegalStateException("no principal: the route was not authenticated"));
    }
}
