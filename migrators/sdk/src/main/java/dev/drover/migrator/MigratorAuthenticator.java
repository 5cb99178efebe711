package dev.drover.migrator;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.AuthErrors;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.Principal;
import io.helidon.webserver.http.ServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * A migrator's door. Its routes prove their requests by content ({@link Access#CONTENT}: the platform's signature,
 * checked by each route before anything else); metrics need the bearer {@code DROVER_METRICS_TOKEN}; nothing else
 * is open to anyone (health is not routed through here).
 */
final class MigratorAuthenticator implements Authenticator {
    private final Optional<byte[]> metricsDigest;

    MigratorAuthenticator(Optional<String> metricsToken) {
        this.metricsDigest = metricsToken.filter(t -> !t.isBlank()).map(MigratorAuthenticator::sha256);
    }

    @Override
    public Principal authenticate(ServerRequest req, Access access) {
        if (access == Access.CONTENT) {
            return new Principal.Bearer();
        }
        if (access == Access.AUTHENTICATED && metricsDigest.isPresent()) {
            // Digests of equal length compared in constant time: neither the token's bytes nor its length leak.
            if (MessageDigest.isEqual(sha256(AuthErrors.bearerToken(req)), metricsDigest.get())) {
                return new Principal.Bearer();
            }
            throw AuthErrors.unauthenticated("invalid_credential", "the bearer token is not this migrator's DROVER_METRICS_TOKEN");
        }
        throw AuthErrors.unauthenticated("missing_credential", access == Access.AUTHENTICATED
                ? "this migrator's metrics are closed: set DROVER_METRICS_TOKEN and send it as the bearer token"
                : "this migrator serves nothing that needs " + access);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
