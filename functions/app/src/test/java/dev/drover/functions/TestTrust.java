package dev.drover.functions;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Role;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.functions.trust.MigratorUrls;
import dev.drover.functions.trust.Trust;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.issuer.DevIssuer;

import java.util.Optional;
import java.util.UUID;

/**
 * The trust every test server runs with: a development OIDC issuer on loopback (the same verification path as a
 * real IdP), the platform's signing keys, Dapr's app token, migrators on loopback, no trusted proxy but loopback.
 */
final class TestTrust {
    static final DevIssuer ISSUER = DevIssuer.start("127.0.0.1", 0);
    static final SigningKeys KEYS = SigningKeys.generate();
    static final String APP_API_TOKEN = "app-token-" + UUID.randomUUID();
    static final Trust TRUST = Trust.of(AuthSettings.of(ISSUER.issuer(), Optional.of(APP_API_TOKEN)), KEYS,
                                        new MigratorUrls(MigratorUrls.LOOPBACK), new TrustedProxies("127.0.0.1"));

    private TestTrust() {
    }

    static String admin() {
        return ISSUER.userToken("ada", Role.ADMIN);
    }

    static String operator() {
        return ISSUER.userToken("otto", Role.OPERATOR);
    }

    static String viewer() {
        return ISSUER.userToken("vera", Role.VIEWER);
    }

    static String migrator(String app) {
        return ISSUER.migratorToken(app);
    }
}
