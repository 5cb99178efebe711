package dev.drover.migrators.pgrotation;

import java.security.SecureRandom;
import java.util.Base64;

/** New credentials' passwords: 256 random bits, base64url (43 characters, no quoting needed anywhere). */
final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    /** A char array, so the caller can wipe it once it is published. */
    static char[] generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }
}
