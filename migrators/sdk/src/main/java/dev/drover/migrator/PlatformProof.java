package dev.drover.migrator;

import dev.drover.contract.signing.ProofRefused;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.Signatures;
import io.cloudevents.CloudEvent;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

/**
 * The platform's signatures as a migrator's routes check them, with the answers a sender understands: 401
 * {@code invalid_signature} for anything that proves nothing (a broker dead-letters a 4xx instead of redelivering
 * it), 503 when the platform's keys cannot be fetched now (a broker redelivers a 5xx later).
 */
final class PlatformProof {
    private static final System.Logger LOGGER = System.getLogger(PlatformProof.class.getName());

    private final String appId;
    private final SignatureVerifier verifier;

    PlatformProof(String appId, SignatureVerifier verifier) {
        this.appId = appId;
        this.verifier = verifier;
    }

    /** A step event: signed by the platform, for this migrator, over exactly this id, type and data. */
    void event(CloudEvent event, byte[] data) {
        Object signature = event.getExtension(Signatures.EVENT_EXTENSION);
        check("step event " + abbreviate(event.getId()), () -> verifier.verifyEvent(
                signature == null ? null : signature.toString(), appId, event.getId(), event.getType(), data));
    }

    /** A request: its bearer is the platform's signature, for this migrator, over exactly this method, path and body. */
    void request(String jws, String method, String path, byte[] body) {
        check(method + " " + path, () -> verifier.verifyRequest(jws, appId, method, path, body));
    }

    private interface Verification {
        void run() throws ProofRefused;
    }

    private static void check(String what, Verification verification) {
        try {
            verification.run();
        } catch (ProofRefused e) {
            if (e.unavailable()) {
                LOGGER.log(Level.WARNING, "cannot check " + what + " now: " + e.getMessage());
                throw unavailable(e.getMessage());
            }
            LOGGER.log(Level.WARNING, "refused " + what + ": " + e.getMessage());
            throw Refusal.unauthenticated("invalid_signature", e.getMessage());
        } catch (UncheckedIOException e) {
            // The token to fetch the platform's keys with could not be had: nothing is wrong with the request.
            LOGGER.log(Level.WARNING, "cannot check " + what + " now: " + e.getCause().getMessage());
            throw unavailable("the platform's keys cannot be fetched now: " + e.getCause().getMessage());
        }
    }

    private static Refusal unavailable(String message) {
        return Refusal.unavailable("keys_unavailable", message + "; retry later");
    }

    static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 120 ? printable.substring(0, 120) + "..." : printable;
    }
}
