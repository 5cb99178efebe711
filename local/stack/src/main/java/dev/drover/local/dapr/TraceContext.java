package dev.drover.local.dapr;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The W3C trace context daprd writes into every event it publishes ({@code traceid} and {@code traceparent}, the same
 * value, and {@code tracestate}): the span of its publish call, a child of the publisher's span when the request
 * carried a {@code traceparent} (an HTTP header, or gRPC metadata), else the root of a new trace. daprd writes them
 * into a passed-through CloudEvent too, replacing the publisher's own.
 *
 * @param traceparent {@code 00-<trace id>-<span id>-<flags>}
 * @param tracestate  the publisher's {@code tracestate}, or empty
 */
record TraceContext(String traceparent, String tracestate) {
    private static final Pattern TRACEPARENT = Pattern.compile("^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The publish call's span, from the request's trace headers (either may be null or empty). */
    static TraceContext of(String traceparent, String tracestate) {
        var incoming = traceparent == null ? null : TRACEPARENT.matcher(traceparent.trim());
        String state = tracestate == null ? "" : tracestate.trim();
        if (incoming != null && incoming.matches() && !incoming.group(1).equals("0".repeat(32))) {
            return new TraceContext("00-" + incoming.group(1) + "-" + hex(8) + "-" + incoming.group(3), state);
        }
        // No usable parent: a new trace, and a tracestate without its trace means nothing.
        return new TraceContext("00-" + hex(16) + "-" + hex(8) + "-00", "");
    }

    private static String hex(int bytes) {
        byte[] id = new byte[bytes];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }
}
