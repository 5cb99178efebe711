package dev.drover.core.http;

import dev.drover.contract.ErrorBody;
import dev.drover.contract.json.Json;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers the errors Helidon raises before a request reaches a route (an oversized body, a request
 * line or header that does not parse, a protocol version it does not speak) in Drover's JSON error
 * shape instead of plain text, each with a stable code.
 */
public final class JsonDirectHandler implements DirectHandler {

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        if (status.code() == 503) {
            headers.set(HeaderNames.RETRY_AFTER, Http.RETRY_AFTER_SECONDS);
        }
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(Json.bytes(ErrorBody.of(Http.codeFor(status),
                                                message == null || message.isBlank() ? status.reasonPhrase() : message)))
                .keepAlive(eventType.keepAlive())
                .build();
    }
}
