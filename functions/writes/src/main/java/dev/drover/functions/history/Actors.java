package dev.drover.functions.history;

import dev.drover.core.auth.Principals;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.core.history.OperatorAction;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.time.Instant;
import java.util.Map;

/**
 * Who did something and where the request came from, for the audit log. Who is the authenticated principal
 * (a person's name from their token, {@code migrator:<app>} for a migrator); where is the TCP peer, or what a
 * trusted proxy says in {@code X-Forwarded-For}. Nothing a client writes in a header names the actor.
 */
public record Actors(TrustedProxies proxies) {
    public OperatorAction action(ServerRequest req, Instant at, String action, String migrationId, String candidateId,
                                 String runId, Map<String, String> detail) {
        return new OperatorAction(at, actor(req), action, migrationId, candidateId, runId, source(req), detail);
    }

    public static String actor(ServerRequest req) {
        String actor = Principals.of(req).actor();
        return actor.length() > OperatorAction.MAX_ACTOR_LENGTH ? actor.substring(0, OperatorAction.MAX_ACTOR_LENGTH) : actor;
    }

    public String source(ServerRequest req) {
        return proxies.source(req.remotePeer().host(), req.headers().first(HeaderNames.X_FORWARDED_FOR));
    }
}
