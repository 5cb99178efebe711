package dev.drover.functions;

import dev.drover.core.auth.Authenticator;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import dev.drover.core.http.OpenApiService;
import dev.drover.core.state.RedisState;
import io.helidon.webserver.WebServerConfig;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configures a server under test exactly as Main does, on the given state. */
final class TestServer {
    /** Small enough that the oversized-body test stays fast; the default is 10 MiB. */
    static final long MAX_BODY_BYTES = 2L * 1024 * 1024;

    private TestServer() {
    }

    static void configure(WebServerConfig.Builder server, RedisState state) {
        configure(server, TestPlatform.withoutRuns(state));
    }

    static void configure(WebServerConfig.Builder server, Platform platform) {
        Settings settings = Settings.fromEnvironment(Map.of("DROVER_MAX_BODY_BYTES", Long.toString(MAX_BODY_BYTES)));
        Authenticator auth = platform.trust().authenticator();
        FunctionServer.configure(server, settings, Catalog.select(Catalog.all(platform), Optional.empty()),
                                 List.of(platform.state().readiness()), List.of(new OpenApiService(auth)), auth);
    }
}
