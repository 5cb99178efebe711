package dev.drover.functions.reads;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.PlatformAuthenticator;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import dev.drover.core.http.OpenApiService;
import dev.drover.core.logging.JsonLogFormatter;
import dev.drover.core.state.RedisState;
import io.helidon.webserver.WebServer;

import java.util.List;
import java.util.Map;

/**
 * Serves the read functions ({@link ReadCatalog}) from their own image, {@code drover-reads}: the one named by
 * {@code FUNCTION} (each Knative Service), or all of them without it. Each opens Redis and nothing else; its
 * readiness asks Redis.
 */
public final class ReadMain {
    private ReadMain() {
    }

    public static void main(String[] args) {
        FunctionMain.run(ReadMain::start);
    }

    /** A serving process of read functions. */
    record Started(WebServer server, List<Function> functions, RedisState state) implements FunctionMain.Serving {
        @Override
        public void close() {
            server.stop();
            state.close();
        }
    }

    /**
     * Starts the read functions {@code env} selects.
     *
     * @throws IllegalArgumentException when a setting is missing or wrong, or {@code FUNCTION} names no read function
     */
    static Started start(Map<String, String> env) {
        Settings settings = Settings.fromEnvironment(env);
        settings.function().ifPresent(ReadCatalog::read); // a wrong name stops the process before Redis is opened
        if (settings.metrics().orElse(false)) {
            throw new IllegalArgumentException("DROVER_METRICS=on: the read functions' image has no metrics (they scale to zero, "
                    + "and Knative's queue-proxy counts and times their requests); run the function from drover-functions for Helidon's");
        }
        AuthSettings auth = AuthSettings.fromEnvironment(env);
        Authenticator authenticator = new PlatformAuthenticator(auth, new TokenVerifier(auth));
        RedisState state = RedisState.connect(settings.redisUrl(), settings.redisPrefix(), settings.readCacheBytes());
        try {
            List<Function> functions = ReadCatalog.build(state, settings.function());
            JsonLogFormatter.function(settings.function().orElse("reads"));
            WebServer server = FunctionServer.start(settings, functions, List.of(state.readiness()),
                                                    List.of(new OpenApiService(authenticator)), authenticator);
            return new Started(server, functions, state);
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }
}
