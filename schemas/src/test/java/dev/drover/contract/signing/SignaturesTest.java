package dev.drover.contract.signing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

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

    /** What the default verifier starts with (the JDK's), and BouncyCastle's, which it moves to once warm. */
    static List<SignatureVerifier> bothVerifiers() {
        return List.of(SignatureVerifier.of(KEYS), SignatureVerifier.of(KEYS, new Es256Verifiers(0)));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("bothVerifiers")
    void aSignatureAlteredOrMadeUpIsRefused(SignatureVerifier verifier) throws Exception {
        assertDoesNotThrow(() -> verifier.verifyEvent(event(Instant.now()), "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        String[] parts = event(Instant.now()).split("\\.");
        byte[] signature = Base64URL.from(parts[2]).decode();
        // The same claims signed a second later: only the signature over the payload tells them apart.
        String[] later = event(Instant.now().plusSeconds(1)).split("\\.");
        byte[] flipped = signature.clone();
        flipped[10] ^= 1;
        for (String forged : List.of(parts[0] + "." + later[1] + "." + parts[2],
                                     parts[0] + "." + parts[1] + "." + Base64URL.encode(flipped),
                                     parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[64]), // R = S = 0 (CVE-2022-21449)
                                     parts[0] + "." + parts[1] + "." + Base64URL.encode(Arrays.copyOf(signature, 63)),
                                     parts[0] + "." + parts[1] + ".")) {
            assertRefused(() -> verifier.verifyEvent(forged, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        }
        // Signed by the platform's key, but with a critical header no verifier here understands (RFC 7515 §4.1.11).
        SignedJWT critical = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(Signatures.EVENT_TYPE).keyID(KEYS.keyId())
                                                   .criticalParams(Set.of("x-drover")).customParam("x-drover", 1).build(),
                                           SignedJWT.parse(event(Instant.now())).getJWTClaimsSet());
        critical.sign(KEYS.signer());
        assertRefused(() -> verifier.verifyEvent(critical.serialize(), "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
    }

    @Test
    void aKeyInUseMovesToBouncyCastleWithoutAVerificationFailing() throws Exception {
        Es256Verifiers verifiers = new Es256Verifiers();
        SignatureVerifier verifier = SignatureVerifier.of(KEYS, verifiers);
        java.security.Key key = KEYS.publicKeys().getKeys().getFirst().toECKey().toECPublicKey();
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        int verified = 0;
        while (!verifiers.fast(key)) {
            assertTrue(System.nanoTime() < until, "still on the JDK's verifier after " + verified + " verifications");
            String jws = event(Instant.now());
            assertDoesNotThrow(() -> verifier.verifyEvent(jws, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
            verified++;
        }
        assertTrue(verified >= Es256Verifiers.WARM_AFTER, "the first " + Es256Verifiers.WARM_AFTER + " stay on the JDK's: " + verified);
        assertDoesNotThrow(() -> verifier.verifyEvent(event(Instant.now()), "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
        String[] parts = event(Instant.now()).split("\\.");
        assertRefused(() -> verifier.verifyEvent(parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[64]), "chart-migrator",
                                                  "run-1/bump/1", "dev.drover.step.dispatched", DATA));
    }

    @Test
    void afterARotationWhatEitherKeySignedVerifiesAndOnlyThat() throws Exception {
        SigningKeys old = SigningKeys.generate();
        SigningKeys next = SigningKeys.generate();
        List<JWK> both = new ArrayList<>(JWKSet.parse(next.secretJson()).getKeys());
        both.addAll(old.publicKeys().getKeys());
        SignatureVerifier rotated = SignatureVerifier.of(SigningKeys.parse(new JWKSet(both).toString(false), "test"), new Es256Verifiers(0));
        for (int i = 0; i < 3; i++) { // again and again: each key's BouncyCastle verifier is kept after the first use
            for (SigningKeys keys : List.of(old, next)) {
                String jws = Signatures.signEvent(keys, "run-1/bump/1", "dev.drover.step.dispatched", "chart-migrator", DATA, Instant.now());
                assertDoesNotThrow(() -> rotated.verifyEvent(jws, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
                assertRefused(() -> VERIFIER.verifyEvent(jws, "chart-migrator", "run-1/bump/1", "dev.drover.step.dispatched", DATA));
            }
        }
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable check) {
        ProofRefused refused = assertThrows(ProofRefused.class, check);
        assertFalse(refused.unavailable(), "a signature that proves nothing is the sender's fault, not a 503: " + refused.getMessage());
        assertTrue(!refused.getMessage().isBlank());
    }
}
