package dev.drover.migrator;

import dev.drover.contract.ErrorBody;
import dev.drover.contract.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * How a migrator answers over HTTP, on the SDK's routes and on its author's own ({@code Builder.service}): JSON, and
 * every error in the contract's shape {@code {"error": {"code", "message"}}} with a stable code.
 */
public final class Answers {
    private Answers() {
    }

    public static void json(ServerResponse res, Object body) {
        json(res, Status.OK_200, body);
    }

    public static void json(ServerResponse res, Status status, Object body) {
        res.status(status);
        res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        res.send(Json.bytes(body));
    }

    /** An error; a 503 asks the caller to come back in a few seconds ({@code Retry-After}). */
    public static void error(ServerResponse res, Status status, String code, String message) {
        if (status.code() == Status.SERVICE_UNAVAILABLE_503.code()) {
            res.header(HeaderNames.RETRY_AFTER, "5");
        }
        json(res, status, ErrorBody.of(code, message));
    }
}
