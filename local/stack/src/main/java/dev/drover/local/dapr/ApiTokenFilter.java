package dev.drover.local.dapr;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The HTTP API's token check, as daprd's middleware does it with {@code DAPR_API_TOKEN} set: every request,
 * whatever its route (an unknown one too), needs header {@code dapr-api-token}; a missing or wrong one gets
 * 401 with Go's plain-text error {@code invalid api token}. Only {@code GET /v1.0/healthz} and
 * {@code GET /v1.0/healthz/outbound} stay open, so probes and the SDKs' {@code waitForSidecar} work without it.
 */
final class ApiTokenFilter implements Filter {
    private final ApiToken token;

    ApiTokenFilter(ApiToken token) {
        this.token = token;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (exempt(req.prologue().method(), req.path().rawPath())
                || token.accepts(req.headers().first(HeaderNames.create(ApiToken.HEADER)).orElse(null))) {
            chain.proceed();
            return;
        }
        res.status(Status.UNAUTHORIZED_401);
        // What Go's http.Error writes.
        res.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8"));
        res.header(HeaderValues.create(HeaderNames.create("X-Content-Type-Options"), "nosniff"));
        res.send("invalid api token\n");
    }

    /** daprd trims the slashes around the path and compares it whole. */
    static boolean exempt(Method method, String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return Method.GET.equals(method) && (trimmed.equals("v1.0/healthz") || trimmed.equals("v1.0/healthz/outbound"));
    }
}
