package dev.drover.bench;

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
 * The benchmarks' servers verify tokens as production does: a development OIDC issuer on loopback, an admin's
 * token for the benchmark's own calls.
 */
record BenchTrust(DevIssuer issuer, Trust trust) implements AutoCloseable {
    static BenchTrust start() {
        DevIssuer issuer = DevIssuer.start("127.0.0.1", 0);
        Trust trust = Trust.of(AuthSettings.of(issuer.issuer(), Optional.of(UUID.randomUUID().toString())),
                               SigningKeys.generate(), new MigratorUrls(MigratorUrls.LOOPBACK), new TrustedProxies(""));
        return new BenchTrust(issuer, trust);
    }

    String adminToken() {
        return issuer.userToken("bench", Role.ADMIN);
    }

    @Override
    public void close() {
        issuer.close();
    }
}
