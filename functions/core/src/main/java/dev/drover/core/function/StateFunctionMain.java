package dev.drover.core.function;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.PlatformAuthenticator;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.core.http.OpenApiService;
import dev.drover.core.logging.JsonLogFormatter;
import dev.drover.core.state.RedisState;
import io.helidon.webserver.WebServer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Starts a process of functions that use the state store and nothing else of the platform, as the images made for such
 * functions start it ({@code drover-reads}, {@code drover-writes}; {@code drover-history-reads} and {@code drover-runs}
 * around it, with their history database or Temporal client): Redis and the callers' authentication, no metrics, so
 * that each image's class path holds only that (issue 16, ADR 0017). Its readiness asks Redis.
 */
public final class StateFunctionMain {
    private StateFunctionMain() {
    }

    /**
     * A serving process of such functions: closing it stops the server, closes Redis, then releases what the image
     * opened besides (a history pool, Temporal's client).
     */
    public record Started(WebServer server, List<Function> functions, RedisState state, Runnable release) implements FunctionMain.Serving {
        @Override
        public void close() {
            try {
                server.stop();
                state.close();
            } finally {
                release.run();
            }
        }
    }

    /**
     * Starts the functions of {@code image} that {@code env} selects, for an image whose functions use Redis alone.
     *
     * @see #start(Map, String, Consumer, BiFunction, Runnable)
     */
    public static Started start(Map<String, String> env, String image, Consumer<String> check,
                                BiFunction<RedisState, Optional<String>, List<Function>> build) {
        return start(env, image, check, build, () -> {
        });
    }

    /**
     * Starts the functions of {@code image} that {@code env} selects.
     *
     * @param check refuses, with {@link IllegalArgumentException}, a {@code FUNCTION} the image does not serve
     * @param build the functions one process serves: the one named, or all of the image's when none is named (called
     *              once for each name when {@code FUNCTION} names several)
     * @param release releases what the image opened for its functions before this start (its history pool, Temporal's
     *                client): when the process closes, or at once when this start fails
     * @throws IllegalArgumentException when a setting is missing or wrong, or {@code FUNCTION} names no function of the image
     */
    public static Started start(Map<String, String> env, String image, Consumer<String> check,
                                BiFunction<RedisState, Optional<String>, List<Function>> build, Runnable release) {
        try {
            return open(env, image, check, build, release);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    private static Started open(Map<String, String> env, String image, Consumer<String> check,
                                BiFunction<RedisState, Optional<String>, List<Function>> build, Runnable release) {
        Settings settings = Settings.fromEnvironment(env);
        settings.functions().forEach(check); // a wrong name stops the process before Redis is opened
        FunctionMain.refuseMetrics(settings, image);
        AuthSettings auth = AuthSettings.fromEnvironment(env);
        Authenticator authenticator = new PlatformAuthenticator(auth, new TokenVerifier(auth));
        RedisState state = RedisState.connect(settings.redisUrl(), settings.redisPrefix(), settings.readCacheBytes());
        try {
            List<Function> built = settings.functions().isEmpty() ? build.apply(state, Optional.empty())
                    : settings.functions().stream().flatMap(name -> build.apply(state, Optional.of(name)).stream()).toList();
            JsonLogFormatter.function(settings.function().orElse(image));
            WebServer server = FunctionServer.start(settings, built, List.of(state.readiness()),
                                                    List.of(new OpenApiService(authenticator)), authenticator);
            return new Started(server, built, state, release);
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }
}
