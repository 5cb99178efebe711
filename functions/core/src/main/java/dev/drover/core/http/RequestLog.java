package dev.drover.core.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.logging.common.HelidonMdc;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * Gives every request an id (the caller's {@code X-Request-Id}, or a new one), puts it in the logging
 * context and the response, and logs one line per request with its outcome and duration.
 */
public final class RequestLog implements Filter {
    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    public static final String MDC_KEY = "requestId";
    private static final System.Logger LOGGER = System.getLogger(RequestLog.class.getName());
    private static final int MAX_ID_LENGTH = 128;

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(REQUEST_ID)
                .filter(given -> !given.isBlank() && given.length() <= MAX_ID_LENGTH)
                .orElseGet(() -> UUID.randomUUID().toString());
        long start = System.nanoTime();
        HelidonMdc.set(MDC_KEY, id);
        try {
            res.header(REQUEST_ID, id);
            chain.proceed();
        } finally {
            // Probes hit /observe every few seconds and the sidecar asks /dapr/subscribe every 30 s; their lines would
            // drown the ones operators read. The prologue's path is the whole path: a feature's routing (observe) sees
            // its requests' paths relative to its own context ("/" for /observe/health).
            String path = req.prologue().uriPath().rawPath();
            Level level = path.startsWith("/observe") || path.equals("/dapr/subscribe") ? Level.DEBUG : Level.INFO;
            LOGGER.log(level, () -> "%s %s -> %d in %d ms".formatted(req.prologue().method().text(),
                                                                          path,
                                                                          res.status().code(),
                                                                          (System.nanoTime() - start) / 1_000_000));
            HelidonMdc.remove(MDC_KEY);
        }
    }
}
