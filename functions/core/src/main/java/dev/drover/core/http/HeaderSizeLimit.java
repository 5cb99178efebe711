package dev.drover.core.http;

import io.helidon.http.Header;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Refuses a request whose header section is larger than {@link #MAX_BYTES} with 431 (RFC 6585).
 * Helidon's own limit (16 KiB, {@code Http1Config.maxHeadersSize}) answers a bare 400 that no hook can
 * tell from other parse failures (its parser throws an IllegalStateException without a status), so this
 * limit sits below it: only a header section over 16 KiB still gets Helidon's 400 {@code bad_request}.
 * (Replacing the server's HTTP/1 protocol config to raise Helidon's limit instead left prologue errors,
 * HTTP/1.0 included, unanswered.)
 */
public final class HeaderSizeLimit implements Filter {
    public static final int MAX_BYTES = 8 * 1024;
    private static final Status HEADERS_TOO_LARGE_431 = Status.create(431, "Request Header Fields Too Large");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long size = 0;
        for (Header header : req.headers()) {
            // name, ": ", each value and CRLF, as on the wire
            for (String value : header.allValues()) {
                size += header.name().length() + value.length() + 4;
            }
        }
        if (size > MAX_BYTES) {
            Http.error(res, HEADERS_TOO_LARGE_431, "headers_too_large",
                       "the request's headers are " + size + " bytes; at most " + MAX_BYTES + " are read");
            return;
        }
        chain.proceed();
    }
}
