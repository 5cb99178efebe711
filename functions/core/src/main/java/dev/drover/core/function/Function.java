package dev.drover.core.function;

import dev.drover.core.http.ApiException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** One REST endpoint or one event subscription: a small class that says what it is and handles its route. */
public interface Function extends Handler {
    FunctionSpec spec();

    /**
     * Answers a request whose caller the routing refused (401, 403, 503 from authentication) in the function's own
     * terms, or returns false (the default) to leave it to the routing's JSON error. The refusal stands either way:
     * the function's {@link #handle} never runs. The console sends a browser without a credential to sign in.
     */
    default boolean answerRefusal(ServerRequest req, ServerResponse res, ApiException refusal) {
        return false;
    }
}
