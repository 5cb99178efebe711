package dev.drover.core.http;

import dev.drover.core.json.Json;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers the errors Helidon raises before a request reaches a route (an oversized body, a request
 * line that does not parse) in Drover's JSON error shape instead of plain text.
 */
public final class JsonDirectHandler implements DirectHandler {
    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String code = switch (status.code()) {
            case 413 -> "payload_too_large";
            case 404 -> "route_not_found";
            case 403 -> "forbidden";
            default -> status.code() >= 500 ? "internal" : "bad_request";
        };
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(Json.bytes(ErrorBody.of(code, message == null || message.isBlank() ? status.reasonPhrase() : message)))
                .keepAlive(eventType.keepAlive())
                .build();
    }
}
