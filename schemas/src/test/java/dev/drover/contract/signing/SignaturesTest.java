package dev.drover.contract.signing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a migrator relies on when it checks a step event or a request from the platform: only exactly what was signed,
 * by the platform's key, for it, and not expired, verifies.
 */
class SignaturesTest {
    private static final SigningKeys KEYS = SigningKeys.generate();
    private static final SignatureVerifier VERIFIER = SignatureVerifier.of(KEYS);
    private static final byte[] DATA = """
            {"runId":"run-1","dispatch":1,"step":{"name":"bump"}}""".getBytes(StandardCharsets.UTF_8);

    private static String event(Instant at) {
        return Signatures.signEvent(KEYS, "run-1/bump/1", "dev.drover.step.dispatched", "chart-migrator", DATA, at);
    }

    @Test
    void aSignedEventVerifiesForItsAppAndTheSameDataInAnotherJsonLayout() {
        assertDoesNotThrow(() -> VERIFIER.verifyEvent(event(Instant.now()), "chart-migrator", "run-1/bump/1",
                                                      "dev.drover.step.dispatched", DATA));
        // The digest is of the RFC 8785 form: whitespace and key order a broker may change do not matter.
        byte[] relaid = """
                { "step" : {"name":"bump"}, "dispatch":1, "runId":"run-1" }""".getBytes(StandardCharsets.UTF_8);
        assertDoesNotThrow(() -> VERIFIER.verifyEvent(event(Instant.now()), "chart-migrator", "run-1/bump/1",
                                                      "dev.drover.step.dispatched", relaid));
    }

    @Test
    void anythingElseIsRefused() {
        String jws = event(Instant.now());
        byte[] tampered = DATA.clone();
        tampered[tampered.length - 4] = 'X';
        assertRefused(() -> VERIFIER.verifyEvent(jws, "other-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        assertRefused(() -> VERIFIER.verifyEvent(jws, "chart-migrator", "run-2/bump/1", "dev.drover.step.dispatched", DATA));
        assertRefused(() -> VERIFIER.verifyEvent(jws, "chart-migrator", "run-1/bump/1", "dev.drover.other", DATA));
        assertRefused(() -> VERIFIER.verifyEvent(jws, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", tampered));
        assertRefused(() -> VERIFIER.verifyEvent(null, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        assertRefused(() -> SignatureVerifier.of(SigningKeys.generate())
                .verifyEvent(jws, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        String expired = event(Instant.now().minus(Signatures.EVENT_LIFETIME).minus(Duration.ofMinutes(5)));
        assertRefused(() -> VERIFIER.verifyEvent(expired, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        // A request's signature is not an event's, nor the other way round.
        String request = Signatures.signRequest(KEYS, "chart-migrator", "POST", "/dry-run", DATA, Instant.now());
        assertRefused(() -> VERIFIER.verifyEvent(request, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        assertRefused(() -> VERIFIER.verifyRequest(jws, "chart-migrator", "POST", "/dry-run", DATA));
    }

    @Test
    void aSignedRequestVerifiesOnlyForItsMethodPathAndExactBody() {
        String jws = Signatures.signRequest(KEYS, "chart-migrator", "POST", "/dry-run", DATA, Instant.now());
        assertDoesNotThrow(() -> VERIFIER.verifyRequest(jws, "chart-migrator", "POST", "/dry-run", DATA));
        assertRefused(() -> VERIFIER.verifyRequest(jws, "chart-migrator", "POST", "/discover", DATA));
        assertRefused(() -> VERIFIER.verifyRequest(jws, "chart-migrator", "PUT", "/dry-run", DATA));
        // The body's exact bytes: unlike an event's data, a request body is not canonicalised.
        byte[] spaced = (new String(DATA, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
        assertRefused(() -> VERIFIER.verifyRequest(jws, "chart-migrator", "POST", "/dry-run", spaced));
        String old = Signatures.signRequest(KEYS, "chart-migrator", "POST", "/dry-run", DATA,
                                            Instant.now().minus(Signatures.REQUEST_LIFETIME).minus(Duration.ofMinutes(2)));
        assertRefused(() -> VERIFIER.verifyRequest(old, "chart-migrator", "POST", "/dry-run", DATA));
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable check) {
        ProofRefused refused = assertThrows(ProofRefused.class, check);
        assertFalse(refused.unavailable(), "a signature that proves nothing is the sender's fault, not a 503: " + refused.getMessage());
        assertTrue(!refused.getMessage().isBlank());
    }
}
