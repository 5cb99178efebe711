package dev.drover.functions;

import dev.drover.core.auth.Authenticator;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionKind;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import dev.drover.core.logging.JsonLogFormatter;
import dev.drover.core.state.RedisState;
import dev.drover.functions.trust.Trust;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import io.helidon.logging.common.LogConfig;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Serves Drover's functions: the one named by {@code FUNCTION} (how Knative runs each function as its
 * own Service) or, without it, all of them on one port (the local stack).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Settings settings;
        RedisState state;
        History history;
        List<Function> functions;
        Trust trust;
        try {
            settings = Settings.fromEnvironment(System.getenv());
            HistorySettings historySettings = HistorySettings.fromEnvironment(System.getenv());
            trust = Trust.fromEnvironment(System.getenv());
            state = RedisState.connect(settings.redisUrl(), settings.redisPrefix());
            history = History.open(historySettings);
            Platform platform = new Platform(state,
                                             new RunClient(TemporalSettings.fromEnvironment(System.getenv()).client()),
                                             brokerUrl(System.getenv()), history, trust);
            functions = Catalog.select(Catalog.all(platform), settings.function());
            if (trust.auth().appApiToken().isEmpty() && functions.stream().anyMatch(f -> f.spec().kind() == FunctionKind.SUBSCRIPTION)) {
                throw new IllegalArgumentException("APP_API_TOKEN is not set: a subscription accepts events from the Dapr "
                        + "sidecar alone, which proves itself with that token (Dapr's app API token)");
            }
        } catch (IllegalArgumentException e) {
            // A misconfigured process says what is wrong in one line and stops, rather than serving half.
            System.err.println("drover: " + e.getMessage());
            System.exit(2);
            return;
        }
        JsonLogFormatter.function(settings.function().orElse("all"));
        Authenticator auth = trust.authenticator();
        WebServer server = FunctionServer.start(settings, functions, List.of(state.readiness()),
                                                List.of(new OpenApiService(auth)), auth);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            history.close();
            state.close();
        }));
        System.out.println("Drover API listening on http://localhost:" + server.port()
                                   + " (" + functions.size() + " function" + (functions.size() == 1 ? "" : "s") + ")");
    }

    /**
     * Where the step relay pushes: {@code K_SINK}, which Knative sets from a SinkBinding (on Knative, the Broker's
     * address, whatever its class), else {@code DROVER_BROKER_URL} (the local stack's broker).
     */
    static URI brokerUrl(Map<String, String> env) {
        String name = env.get("K_SINK") != null && !env.get("K_SINK").isBlank() ? "K_SINK" : "DROVER_BROKER_URL";
        String url = env.getOrDefault(name, "http://127.0.0.1:8081/drover/default");
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + url + " is not a URL");
        }
    }
}
