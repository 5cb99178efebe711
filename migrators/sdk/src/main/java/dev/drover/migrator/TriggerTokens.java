package dev.drover.migrator;

import dev.drover.contract.signing.ProofRefused;
import dev.drover.contract.signing.IssuerTokens;

import java.util.Set;

/**
 * Verifies a discovery trigger's OIDC token: with Knative Eventing's {@code authentication-oidc} feature a
 * PingSource sends its ServiceAccount's token for the sink's audience. The checks are the platform's own
 * ({@link IssuerTokens}): signature by the issuer's discovered JWKS, exact issuer, audience, expiry.
 */
final class TriggerTokens {
    private final MigratorSettings.Trigger trigger;
    private final IssuerTokens tokens;

    TriggerTokens(MigratorSettings.Trigger trigger) {
        this.trigger = trigger;
        this.tokens = new IssuerTokens(trigger.issuer(), Set.of(trigger.audience()));
    }

    /** The token's subject, once it is proven to be the trigger issuer's for the trigger audience. */
    String verify(String token) throws ProofRefused {
        try {
            return tokens.verify(token).getSubject();
        } catch (ProofRefused e) {
            throw e.unavailable() ? e : new ProofRefused("not a trigger token of " + trigger.issuer() + " for audience '"
                                                                         + trigger.audience() + "': " + e.getMessage(), false);
        }
    }
}
