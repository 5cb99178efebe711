package dev.drover.functions.history;

import dev.drover.history.OperatorAction;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderName;
import io.helidon.webserver.http.ServerRequest;

import java.time.Instant;
import java.util.Map;

/**
 * Who an operator is and where the request came from, for the audit log.
 * <p>
 * Drover does not authenticate: it sits behind an authenticating proxy (oauth2-proxy, an ingress with
 * external auth) which sets {@value #ACTOR_HEADER} to the signed-in user and must strip any value a client
 * sends. Without the header the actor is {@value #ANONYMOUS}. "From where" is the first hop of
 * {@code X-Forwarded-For} (the client as the first proxy saw it), else the TCP peer's address.
 */
public final class Actors {
    public static final String ACTOR_HEADER = "X-Forwarded-User";
    public static final String ANONYMOUS = "anonymous";
    static final int MAX_LENGTH = 200;
    private static final HeaderName ACTOR = HeaderNames.create(ACTOR_HEADER);

    private Actors() {
    }

    public static OperatorAction action(ServerRequest req, Instant at, String action, String migrationId, String candidateId,
                                        String runId, Map<String, String> detail) {
        return new OperatorAction(at, actor(req), action, migrationId, candidateId, runId, source(req), detail);
    }

    static String actor(ServerRequest req) {
        return req.headers().first(ACTOR).map(String::trim).filter(a -> !a.isEmpty())
                .map(a -> a.length() > MAX_LENGTH ? a.substring(0, MAX_LENGTH) : a)
                .orElse(ANONYMOUS);
    }

    static String source(ServerRequest req) {
        return req.headers().first(HeaderNames.X_FORWARDED_FOR)
                .map(value -> value.split(",")[0].trim())
                .filter(first -> !first.isEmpty())
                .orElseGet(() -> req.remotePeer().host());
    }
}
