package dev.drover.console.signin;

import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The console's session: cookie {@value #NAME} holds the API access token itself (the console keeps no session of
 * its own), HttpOnly so no script reads it, SameSite=Lax so no other site's form or fetch sends it, Path=/console
 * so the API's own routes never see it as a credential, and it ends when the token does. A caller that sends
 * {@code Authorization: Bearer} (a script, the CLI's token) is taken at its word instead.
 */
public final class SessionCookie {
    public static final String NAME = "drover_session";
    static final String PATH = "/console";

    private SessionCookie() {
    }

    /** The token of the request: its bearer token when it sends one, else its session cookie. */
    public static Optional<String> token(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION).map(String::trim)
                .filter(h -> h.length() > 7 && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer "))
                .map(h -> h.substring(7).trim());
        if (header.isPresent()) {
            return header;
        }
        return req.headers().cookies().first(NAME).asOptional().filter(value -> !value.isBlank());
    }

    static void set(ServerResponse res, String token, Duration lifetime, boolean secure) {
        res.headers().addCookie(SetCookie.builder(NAME, token).path(PATH).httpOnly(true).secure(secure)
                                        .sameSite(SetCookie.SameSite.LAX).maxAge(lifetime).build());
    }

    static void clear(ServerResponse res, boolean secure) {
        res.headers().addCookie(SetCookie.builder(NAME, "").path(PATH).httpOnly(true).secure(secure)
                                        .sameSite(SetCookie.SameSite.LAX).maxAge(Duration.ZERO).expires(Instant.EPOCH).build());
    }
}
