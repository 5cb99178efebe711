package dev.drover.local.dapr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Dapr's shared-token check: the token travels as header (HTTP) or metadata (gRPC) {@code dapr-api-token},
 * both ways: an app's calls to the sidecar carry daprd's {@code DAPR_API_TOKEN}, the sidecar's calls to an
 * app carry its {@code APP_API_TOKEN}. Without a token, everything passes, as in daprd.
 */
final class ApiToken {
    /** Header and gRPC metadata key, as daprd names it. */
    static final String HEADER = "dapr-api-token";

    private final Optional<byte[]> expected;

    ApiToken(Optional<String> token) {
        this.expected = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    boolean required() {
        return expected.isPresent();
    }

    /**
     * Whether {@code presented} (null when absent) is the token, in time that does not depend on how much
     * of it matches. The presented value goes first: {@link MessageDigest#isEqual} takes time by the first
     * argument's length, which the caller knows anyway, and so does not leak the token's.
     */
    boolean accepts(String presented) {
        if (expected.isEmpty()) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected.get());
    }
}
