package dev.drover.core.auth;

import dev.drover.contract.signing.ProofRefused;

import dev.drover.core.http.ApiException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Optional;

/**
 * The platform functions' door: a bearer JWT for people and migrators (for the console's pages also from the
 * session cookie), Dapr's app API token for subscriptions, and nothing (but the function's own check of its content) for {@link Access#CONTENT}.
 */
public final class PlatformAuthenticator implements Authenticator {
    public static final HeaderName DAPR_API_TOKEN = HeaderNames.create("dapr-api-token");

    private final TokenVerifier tokens;
    private final Optional<byte[]> appApiToken;

    public PlatformAuthenticator(AuthSettings settings, TokenVerifier tokens) {
        this.tokens = tokens;
        this.appApiToken = settings.appApiToken().map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Principal authenticate(ServerRequest req, Access access) {
        return switch (access) {
            case CONTENT -> new Principal.Bearer();
            case SIDECAR -> sidecar(req);
            case SESSION -> allow(verify(SessionCredential.of(req).token()), access);
            default -> allow(verify(AuthErrors.bearerToken(req)), access);
        };
    }

    /**
     * Fetches ahead, best effort, the keys of the issuers whose tokens the routes requiring {@code accesses} accept, so
     * that a cold function's first caller does not wait for them (ADR 0017): a process that only the Dapr sidecar calls
     * asks no identity provider, one that serves people alone does not ask the migrators' issuer.
     */
    @Override
    public void fetchKeys(Collection<Access> accesses) {
        tokens.fetchKeys(accesses.stream().anyMatch(access -> access.personRole().isPresent()),
                         accesses.stream().anyMatch(Access::acceptsMigrators));
    }

    private Principal sidecar(ServerRequest req) {
        Optional<String> given = req.headers().first(DAPR_API_TOKEN);
        if (given.isEmpty()) {
            throw AuthErrors.unauthenticated("missing_credential", "subscriptions accept only the Dapr sidecar: "
                    + "send Dapr's app API token in dapr-api-token");
        }
        if (appApiToken.isEmpty() || !MessageDigest.isEqual(appApiToken.get(), given.get().getBytes(StandardCharsets.UTF_8))) {
            throw AuthErrors.unauthenticated("invalid_credential", "the dapr-api-token is not this app's APP_API_TOKEN");
        }
        return new Principal.Sidecar();
    }

    private Principal verify(String token) {
        try {
            return tokens.verify(token);
        } catch (ProofRefused e) {
            if (e.unavailable()) {
                throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "auth_unavailable", e.getMessage() + "; retry later");
            }
            throw AuthErrors.unauthenticated("invalid_credential", e.getMessage());
        }
    }

    /** Whether the proven caller may use a route that requires {@code access}. */
    static Principal allow(Principal principal, Access access) {
        boolean allowed = switch (principal) {
            case Principal.User user -> access.personRole().map(user::has).orElse(false);
            case Principal.Migrator migrator -> access.acceptsMigrators();
            case Principal.Sidecar sidecar -> access == Access.SIDECAR;
            case Principal.Bearer bearer -> access == Access.CONTENT;
        };
        if (!allowed) {
            throw AuthErrors.forbidden(principal, access);
        }
        return principal;
    }
}
