package dev.drover.functions;

import dev.drover.console.Console;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.signin.SignIn;

import java.net.URI;

/** A console over the API at a given address, for tests that drive it with bearer tokens and need no sign-in. */
final class TestConsoles {
    private TestConsoles() {
    }

    static Console over(URI api) {
        SignIn notConfigured = new SignIn(() -> {
            throw new IllegalArgumentException("these tests sign in with bearer tokens");
        }, TestTrust.TRUST.tokens(), TestTrust.TRUST.keys());
        return new Console(new ConsoleApi(() -> api), notConfigured);
    }
}
