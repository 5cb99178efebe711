package dev.drover.migrator;

import dev.drover.contract.event.CloudEvents;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What a migrator's routes read from a request. */
final class Requests {
    private Requests() {
    }

    /** The request's body, empty when it has none. */
    static byte[] body(ServerRequest req) {
        return req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
    }

    /** The bearer token of the Authorization header (RFC 6750), or a 401. */
    static String bearerToken(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").trim();
        if (header.isEmpty()) {
            throw Refusal.unauthenticated("missing_credential", "send the platform's signature: Authorization: Bearer <JWS>");
        }
        if (header.length() < 7 || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            throw Refusal.unauthenticated("invalid_credential", "the Authorization header is not 'Bearer <JWS>'");
        }
        return header.substring(7).trim();
    }

    /**
     * The CloudEvent of the request, binary ({@code ce-*} headers) or structured ({@code application/cloudevents+json}),
     * with its data; empty when the request is neither.
     */
    static Optional<CloudEvents.Delivered> cloudEvent(ServerRequest req) {
        byte[] body = body(req);
        boolean binary = req.headers().contains(HeaderNames.create("ce-specversion"));
        boolean structured = contentType(req)
                .map(type -> type.mediaType().text().toLowerCase(Locale.ROOT).startsWith("application/cloudevents"))
                .orElse(false);
        if (!binary && !structured) {
            return Optional.empty();
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Header header : req.headers()) {
            headers.add(Map.entry(header.name(), header.get()));
        }
        return Optional.of(CloudEvents.read(headers, body));
    }

    /** The declared media type; one that does not parse is the sender's mistake, a 400. */
    private static Optional<HttpMediaType> contentType(ServerRequest req) {
        try {
            return req.headers().contentType();
        } catch (RuntimeException e) {
            throw Refusal.badRequest("bad_request", "the Content-Type header does not parse");
        }
    }
}
