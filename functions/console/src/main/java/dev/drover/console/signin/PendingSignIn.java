package dev.drover.console.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A sign-in under way, between the redirect to the issuer and the callback: the state that ties the callback to this
 * browser, the PKCE verifier, and where to go afterwards. It lives in the browser only, in an HttpOnly cookie sealed
 * with AES-256-GCM (a JWE, {@code dir}) under a key derived from the platform's signing key: the browser can neither
 * read the verifier nor forge a state, and any console instance opens it (no state on the server).
 *
 * @param state     what the callback's {@code state} must equal
 * @param verifier  the PKCE code verifier (RFC 7636), whose S256 challenge went to the issuer
 * @param next      the console page to show once signed in (already checked to be local)
 * @param expiresAt when it is no use any more
 */
record PendingSignIn(String state, String verifier, String next, Instant expiresAt) {
    /** Long enough to sign in at a real IdP (a password, a second factor), short enough to be no lasting key. */
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    static PendingSignIn start(String next, Instant now) {
        return new PendingSignIn(random(), random() + random(), next, now.plus(LIFETIME));
    }

    /** The S256 code challenge: BASE64URL(SHA256(verifier)). */
    String challenge() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String seal(byte[] key) {
        JWEObject jwe = new JWEObject(new JWEHeader(JWEAlgorithm.DIR, EncryptionMethod.A256GCM),
                                      new Payload(Json.bytes(Map.of("state", state, "verifier", verifier, "next", next,
                                                                    "exp", expiresAt.getEpochSecond()))));
        try {
            jwe.encrypt(new DirectEncrypter(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot seal the sign-in cookie", e);
        }
        return jwe.serialize();
    }

    /** The sign-in sealed in {@code cookie}; empty when it was not sealed with {@code key}, does not parse, or expired. */
    static Optional<PendingSignIn> open(String cookie, byte[] key, Instant now) {
        if (cookie.length() > 4096) {
            return Optional.empty();
        }
        try {
            JWEObject jwe = JWEObject.parse(cookie);
            if (!JWEAlgorithm.DIR.equals(jwe.getHeader().getAlgorithm()) || !EncryptionMethod.A256GCM.equals(jwe.getHeader().getEncryptionMethod())) {
                return Optional.empty();
            }
            jwe.decrypt(new DirectDecrypter(key));
            JsonNode json = Json.mapper().readTree(jwe.getPayload().toBytes());
            PendingSignIn pending = new PendingSignIn(json.path("state").asText(""), json.path("verifier").asText(""),
                                                      json.path("next").asText(""), Instant.ofEpochSecond(json.path("exp").asLong(0)));
            if (pending.state().isEmpty() || pending.verifier().isEmpty() || !pending.expiresAt().isAfter(now)) {
                return Optional.empty();
            }
            return Optional.of(pending);
        } catch (ParseException | JOSEException | IOException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** 256 random bits, base64url: 43 characters, unguessable, all of them allowed in a PKCE verifier. */
    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
