package dev.drover.issuer;

import dev.drover.core.auth.Role;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Authorization codes the sign-in page issued and the token endpoint has not redeemed yet (RFC 6749 section 4.1,
 * with PKCE, RFC 7636). A code is 256 random bits, lives {@link #LIFETIME}, is bound to the client, the redirect
 * URI and the code challenge it was asked with, and is redeemed once: redeeming removes it, whether or not the
 * rest of the request then checks out, so a wrong verifier cannot be followed by a better guess.
 */
final class AuthorizationCodes {
    static final Duration LIFETIME = Duration.ofSeconds(60);
    /** An S256 challenge: base64url of a SHA-256, no padding. */
    static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** RFC 7636 section 4.1: 43 to 128 unreserved characters. */
    static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    /** More pending codes than a developer's browser ever makes: beyond it, a new code pushes nothing out but is refused. */
    private static final int MAX_PENDING = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who signed in, and what the code may be exchanged for by whom. */
    record Grant(String clientId, String redirectUri, String challenge, String user, Role role, Optional<String> nonce,
                 Instant expiresAt) {
    }

    private final Map<String, Grant> pending = new ConcurrentHashMap<>();
    private final Clock clock;

    AuthorizationCodes(Clock clock) {
        this.clock = clock;
    }

    /** A new code for a person who just signed in; expires {@link #LIFETIME} from now. */
    String issue(String clientId, String redirectUri, String challenge, String user, Role role, Optional<String> nonce) {
        Instant now = clock.instant();
        pending.values().removeIf(grant -> !grant.expiresAt().isAfter(now));
        if (pending.size() >= MAX_PENDING) {
            throw new IllegalStateException("too many sign-ins are waiting for their code to be redeemed");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(code, new Grant(clientId, redirectUri, challenge, user, role, nonce, now.plus(LIFETIME)));
        return code;
    }

    /** The grant of {@code code}, removed: a code answers once. Empty for an unknown, redeemed or expired code. */
    Optional<Grant> redeem(String code) {
        Grant grant = pending.remove(code);
        if (grant == null || !grant.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(grant);
    }

    /** RFC 7636 section 4.6: BASE64URL(SHA256(ASCII(code_verifier))) equals the challenge, compared in constant time. */
    static boolean verifies(String verifier, String challenge) {
        if (!VERIFIER.matcher(verifier).matches()) {
            return false;
        }
        return MessageDigest.isEqual(challenge(verifier).getBytes(StandardCharsets.US_ASCII),
                                     challenge.getBytes(StandardCharsets.US_ASCII));
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
