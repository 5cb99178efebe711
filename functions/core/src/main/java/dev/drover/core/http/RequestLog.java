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
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id (the caller's {@code X-Request-Id}, or a new one), puts it in the logging
 * context and the response, and logs one line per request with its outcome and duration: at INFO for every change
 * and every refusal or error, at DEBUG for probes and, unless {@code logReads}, for reads that succeeded.
 *
 * <p>Why reads are quiet by default: a line is written under the console handler's lock, so at thousands of reads a
 * second every request queued for it; with the line, {@code GET /migrations/{id}}'s p99 was 56 to 59 ms, without it 16
 * ms (ReadBench, issue 16, ADR 0018). Knative's queue-proxy can log every request of a revision where that is wanted
 * (its {@code logging.enable-request-log}).
 */
public final class RequestLog implements Filter {
    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    public static final String MDC_KEY = "requestId";
    private static final System.Logger LOGGER = System.getLogger(RequestLog.class.getName());
    private static final int MAX_ID_LENGTH = 128;

    private final boolean logReads;

    public RequestLog(boolean logReads) {
        this.logReads = logReads;
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: an id only ties log lines together, so it needs no
     * {@code SecureRandom}, whose one lock {@code UUID.randomUUID()} made every concurrent request queue for (issue 16).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                        (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(REQUEST_ID)
                .filter(given -> !given.isBlank() && given.length() <= MAX_ID_LENGTH)
                .orElseGet(RequestLog::newId);
        long start = System.nanoTime();
        HelidonMdc.set(MDC_KEY, id);
        try {
            res.header(REQUEST_ID, id);
            chain.proceed();
        } finally {
            // The prologue's path is the whole path: a feature's routing (observe) sees its requests' paths relative
            // to its own context ("/" for /observe/health).
            String path = req.prologue().uriPath().rawPath();
            String method = req.prologue().method().text();
            int status = res.status().code();
            long millis = (System.nanoTime() - start) / 1_000_000;
            LOGGER.log(level(method, path, status), () -> method + " " + path + " -> " + status + " in " + millis + " ms");
            HelidonMdc.remove(MDC_KEY);
        }
    }

    private Level level(String method, String path, int status) {
        // Probes hit /observe every few seconds and the sidecar asks /dapr/subscribe every 30 s; their lines would
        // drown the ones operators read.
        if (path.startsWith("/observe") || path.equals("/dapr/subscribe")) {
            return Level.DEBUG;
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        return read && status < 400 && !logReads ? Level.DEBUG : Level.INFO;
    }
}
