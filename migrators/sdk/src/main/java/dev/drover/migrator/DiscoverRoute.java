package dev.drover.migrator;

import dev.drover.contract.signing.ProofRefused;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSObject;
import dev.drover.contract.signing.IssuerTokens;
import dev.drover.contract.signing.Signatures;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /discover}: any CloudEvent (a PingSource tick, a git push event) or an empty POST runs
 * discovery again. The event's content does not matter: discovery always scans everything. The sender does:
 * a request signed by the platform ({@code htu} {@value #PATH}), or, when configured, a token of the trigger
 * issuer for the trigger audience (Knative's {@code authentication-oidc}: a PingSource's ServiceAccount token).
 * Discovery costs a scan of the source of truth, so it is not open to anyone.
 */
final class DiscoverRoute implements Handler {
    static final String PATH = "/discover";
    private static final System.Logger LOGGER = System.getLogger(DiscoverRoute.class.getName());

    private final DiscoveryRuns runs;
    private final PlatformProof proof;
    private final Optional<TriggerTokens> triggers;

    DiscoverRoute(DiscoveryRuns runs, PlatformProof proof, Optional<TriggerTokens> triggers) {
        this.runs = runs;
        this.proof = proof;
        this.triggers = triggers;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String token = Requests.bearerToken(req);
        byte[] body = Requests.body(req);
        if (type(token).filter(Signatures.REQUEST_TYPE::equals).isPresent()) {
            proof.request(token, "POST", PATH, body);
        } else if (triggers.isPresent()) {
            trigger(triggers.get(), token);
        } else {
            throw Refusal.unauthenticated("invalid_credential", "this migrator takes discovery triggers signed by the platform "
                    + "only; set DROVER_TRIGGER_ISSUER and DROVER_TRIGGER_AUDIENCE to accept a trigger's OIDC token");
        }
        runs.trigger();
        Answers.json(res, Status.ACCEPTED_202, Map.of("triggered", true));
    }

    private static void trigger(TriggerTokens tokens, String token) {
        try {
            String subject = tokens.verify(token);
            LOGGER.log(Level.DEBUG, "discovery triggered by " + PlatformProof.abbreviate(subject));
        } catch (ProofRefused e) {
            if (e.unavailable()) {
                LOGGER.log(Level.WARNING, "cannot check a discovery trigger now: " + e.getMessage());
                throw Refusal.unavailable("keys_unavailable", e.getMessage() + "; retry later");
            }
            LOGGER.log(Level.WARNING, "refused a discovery trigger: " + e.getMessage());
            throw Refusal.unauthenticated("invalid_credential", e.getMessage());
        }
    }

    /** The JWS header's typ, which tells the platform's signature from an IdP's token; empty when it says none. */
    private static Optional<JOSEObjectType> type(String token) {
        try {
            return Optional.ofNullable(JWSObject.parse(token).getHeader().getType());
        } catch (ParseException e) {
            throw Refusal.unauthenticated("invalid_credential", "the bearer token is not a JWS");
        }
    }
}
