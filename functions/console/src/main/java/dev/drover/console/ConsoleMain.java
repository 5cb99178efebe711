package dev.drover.console;

import dev.drover.console.api.ConsoleApi;
import dev.drover.console.signin.SignIn;
import dev.drover.console.signin.SignInSettings;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.PlatformAuthenticator;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.ImageFunctions;
import dev.drover.core.function.Settings;
import dev.drover.core.http.OpenApiService;
import dev.drover.core.logging.JsonLogFormatter;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Serves the console from its own image, {@code drover-console}: the pages, their sign-in and nothing else, so that
 * its class path is the console, the callers' authentication and Helidon, without Redis, Temporal, the history or the
 * step events' cryptography (issue 16, ADR 0017). The console calls the API at {@code DROVER_API_URL} and holds no
 * state, so the process opens nothing at start, and its readiness asks nothing. {@code drover-functions} serves it too
 * (the local stack).
 */
public final class ConsoleMain {
    private static final String IMAGE = "drover-console";

    private ConsoleMain() {
    }

    public static void main(String[] args) {
        FunctionMain.run(ConsoleMain::start);
    }

    /** A serving console. */
    public record Started(WebServer server, List<Function> functions) implements FunctionMain.Serving {
        @Override
        public void close() {
            server.stop();
        }
    }

    /**
     * Starts the console {@code env} configures.
     *
     * @throws IllegalArgumentException when a setting is missing or wrong: {@code FUNCTION} other than
     *                                  {@code console}, no {@code DROVER_API_URL}, a signing key that does not parse
     */
    static Started start(Map<String, String> env) {
        Settings settings = Settings.fromEnvironment(env);
        for (String name : settings.functions()) {
            if (!name.equals("console")) {
                throw new IllegalArgumentException("FUNCTION=" + name + " names no function of this image (" + IMAGE
                        + " serves the console alone; " + ImageFunctions.OTHERS + "); known: console");
            }
        }
        FunctionMain.refuseMetrics(settings, IMAGE);
        URI api = ConsoleApi.requiredUrl(env);
        AuthSettings auth = AuthSettings.fromEnvironment(env);
        TokenVerifier tokens = new TokenVerifier(auth);
        // The session cookie's key is derived from the platform's signing key: one that does not parse stops the start.
        SigningKeys keys = SigningKeys.fromEnvironment(env);
        Console console = new Console(new ConsoleApi(() -> api), new SignIn(() -> SignInSettings.fromEnvironment(env), tokens, keys));
        Authenticator authenticator = new PlatformAuthenticator(auth, tokens);
        JsonLogFormatter.function("console");
        List<Function> functions = List.of(console);
        WebServer server = FunctionServer.start(settings, functions, List.of(), List.of(new OpenApiService(authenticator)), authenticator);
        return new Started(server, functions);
    }
}
