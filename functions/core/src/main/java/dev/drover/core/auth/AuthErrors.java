package dev.drover.core.auth;

import dev.drover.core.http.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.util.Locale;

/** The 401 and 403 answers, the same wherever a caller is refused. */
public final class AuthErrors {
    private AuthErrors() {
    }

    /** 401: no credential, or one that proves nothing. The routing adds {@code WWW-Authenticate: Bearer}. */
    public static ApiException unauthenticated(String code, String message) {
        return new ApiException(Status.UNAUTHORIZED_401, code, message);
    }

    public static ApiException forbidden(String code, String message) {
        return new ApiException(Status.FORBIDDEN_403, code, message);
    }

    static ApiException forbidden(Principal principal, Access access) {
        String who = switch (principal) {
            case Principal.User user -> user.name() + " (" + user.role().map(Role::wire).orElse("no Drover role") + ")";
            case Principal.Migrator migrator -> "migrator app " + migrator.app();
            default -> principal.actor();
        };
        String needs = switch (access) {
            case VIEW, SESSION -> "the viewer role";
            case VIEW_OR_MIGRATOR -> "the viewer role or a migrator's identity";
            case OPERATE -> "the operator role";
            case ADMIN -> "the admin role";
            case MIGRATOR -> "a migrator's identity (or the admin role)";
            case AUTHENTICATED -> "a Drover role or a migrator's identity";
            case SIDECAR -> "the Dapr sidecar's token";
            case CONTENT -> "a proof in the request";
        };
        return forbidden("forbidden", who + " may not do this: it needs " + needs);
    }

    /** The bearer token of the Authorization header (RFC 6750), or a 401. */
    public static String bearerToken(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").trim();
        if (header.isEmpty()) {
            throw unauthenticated("missing_credential", "send a bearer token: Authorization: Bearer <JWT>");
        }
        if (header.length() < 7 || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            throw unauthenticated("invalid_credential", "the Authorization header is not 'Bearer <JWT>'");
        }
        return header.substring(7).trim();
    }
}
