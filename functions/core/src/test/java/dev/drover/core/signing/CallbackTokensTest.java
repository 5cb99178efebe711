package dev.drover.core.signing;

import dev.drover.contract.signing.SigningKeys;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallbackTokensTest {
    private final SigningKeys keys = SigningKeys.generate();

    @Test
    void aRunsTokenIsDerivedAgainTheSameUnderTheSameKeyAndDiffersPerRunAndKey() {
        CallbackTokens tokens = new CallbackTokens(keys);
        String token = tokens.token("run-1");
        assertEquals(token, new CallbackTokens(keys).token("run-1"), "the worker derives it again at each dispatch");
        assertNotEquals(token, tokens.token("run-2"));
        assertNotEquals(token, new CallbackTokens(SigningKeys.generate()).token("run-1"));
        assertEquals(43, token.length(), "256 bits, base64url without padding");
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
    }

    @Test
    void onlyTheTokenMatchesItsStoredHash() {
        CallbackTokens tokens = new CallbackTokens(keys);
        String token = tokens.token("run-1");
        String stored = CallbackTokens.hash(token);
        assertNotEquals(token, stored, "Redis keeps no token");
        assertTrue(CallbackTokens.matches(token, stored));
        assertFalse(CallbackTokens.matches(tokens.token("run-2"), stored));
        assertFalse(CallbackTokens.matches(token, null));
        assertFalse(CallbackTokens.matches(null, stored));
    }
}
