package dev.drover.core.signing;

import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A run's callback token: HMAC-SHA256 of the run id under a key derived from the platform's signing key. The
 * worker derives it again at each dispatch to put in the step event, so Redis keeps only its SHA-256: reading the
 * state store gives no way to call back. 256 bits, compared in constant time.
 */
public final class CallbackTokens {
    private static final String PURPOSE = "drover callback token v1";

    private final byte[] key;

    public CallbackTokens(SigningKeys keys) {
        this.key = keys.derive(PURPOSE);
    }

    public String token(String runId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(runId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What is stored: the token's SHA-256, base64url. */
    public static String hash(String token) {
        return Signatures.digest(token.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code given} is the token whose hash is {@code storedHash}; false for a missing hash. */
    public static boolean matches(String given, String storedHash) {
        if (given == null || storedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(given).getBytes(StandardCharsets.UTF_8), storedHash.getBytes(StandardCharsets.UTF_8));
    }
}
