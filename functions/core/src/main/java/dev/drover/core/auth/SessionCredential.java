package dev.drover.core.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * A person's token as the console receives it: the {@code Authorization: Bearer} header (a script, a test, the CLI)
 * or, from a browser, the HttpOnly cookie {@code drover_session} that the console's sign-in sets (its value is the
 * same API access token). The header wins when both are sent. Where it came from matters: a cookie rides along on
 * requests another site makes the browser send, so a state-changing request it proves must also prove it comes
 * from the console's own pages (the console's same-origin check).
 */
public record SessionCredential(String token, Source source) {
    /** The cookie that carries a signed-in person's token. */
    public static final String COOKIE = "drover_session";

    public enum Source {
        HEADER,
        COOKIE
    }

    /** The request's credential, or a 401 {@code missing_credential}. */
    public static SessionCredential of(ServerRequest req) {
        if (req.headers().contains(HeaderNames.AUTHORIZATION)) {
            return new SessionCredential(AuthErrors.bearerToken(req), Source.HEADER);
        }
        return req.headers().cookies().first(COOKIE).asOptional()
                .filter(value -> !value.isBlank())
                .map(value -> new SessionCredential(value.trim(), Source.COOKIE))
                .orElseThrow(() -> AuthErrors.unauthenticated("missing_credential",
                        "sign in at /console/sign-in, or send a bearer token: Authorization: Bearer <JWT>"));
    }
}
