package dev.drover.functions;

import dev.drover.core.auth.Authenticator;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionKind;
import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import dev.drover.core.http.OpenApiService;
import dev.drover.core.logging.JsonLogFormatter;
import dev.drover.core.state.RedisState;
import dev.drover.functions.trust.Trust;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Serves Drover's functions: the one named by {@code FUNCTION} (how Knative runs each function as its
 * own Service) or, without it, all of them on one port (the local stack). On Knative the read functions run from their
 * own image instead ({@code ReadMain}, {@code functions/reads}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        FunctionMain.run(Main::start);
    }

    /** A serving process: its server, its functions, what of the platform it opened. */
    record Started(WebServer server, List<Function> functions, PlatformUse use, AutoCloseable resources) implements FunctionMain.Serving {
        @Override
        public void close() {
            server.stop();
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Starts the functions {@code env} selects, opening only what they use ({@link Catalog#uses}): a REST read
     * function opens no Temporal client and no history pool; the step relay neither Redis nor the database, and its
     * readiness does not ask Redis.
     *
     * @throws IllegalArgumentException when a setting is missing or wrong (the message names it)
     */
    static Started start(Map<String, String> env) {
        Settings settings = Settings.fromEnvironment(env);
        Trust trust = Trust.fromEnvironment(env);
        URI broker = brokerUrl(env);

        // What the function declares it uses is opened when its function is built; anything else it asks for is refused
        // at start, loudly, so an undeclared use is found by the first start, never by a request.
        PlatformUse use = Catalog.uses(settings.functions());
        String who = settings.function().map(f -> "FUNCTION=" + f).orElse("this process");
        Part<RedisState> state = new Part<>(who, "Redis", use.redis(),
                                            () -> RedisState.connect(settings.redisUrl(), settings.redisPrefix(), settings.readCacheBytes()));
        Part<RunClient> runs = new Part<>(who, "Temporal", use.runs(), () -> new RunClient(TemporalSettings.fromEnvironment(env).client()));
        // Functions only read the history (their writes go to the Redis outbox): they start and serve while the
        // database is down, and the worker's history writer migrates its schema (ADR 0008).
        Part<History> history = new Part<>(who, "the history database", use.history(), () -> History.connect(HistorySettings.fromEnvironment(env)));
        // The console calls the API over HTTP: DROVER_API_URL, or, when this process serves the API too, itself.
        java.util.concurrent.atomic.AtomicReference<WebServer> self = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Supplier<URI> api = apiUrl(env, settings.functions(), () -> self.get().port());
        AutoCloseable resources = () -> {
            history.close();
            state.close();
        };
        try {
            Platform platform = Platform.opening(state, runs, broker, history, trust, api,
                                                 () -> dev.drover.console.signin.SignInSettings.fromEnvironment(env));
            List<Function> functions = Catalog.build(platform, settings.functions());
            if (trust.auth().appApiToken().isEmpty() && functions.stream().anyMatch(f -> f.spec().kind() == FunctionKind.SUBSCRIPTION)) {
                throw new IllegalArgumentException("APP_API_TOKEN is not set: a subscription accepts events from the Dapr "
                        + "sidecar alone, which proves itself with that token (Dapr's app API token)");
            }
            JsonLogFormatter.function(settings.function().orElse("all"));
            Authenticator auth = trust.authenticator();
            WebServer server = FunctionServer.start(settings, functions, use.redis() ? List.of(state.get().readiness()) : List.of(),
                                                    List.of(new OpenApiService(auth)), auth);
            self.set(server);
            return new Started(server, functions, use, resources);
        } catch (RuntimeException e) {
            try {
                resources.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A part of the platform a function may use: opened on first use when the function declared it, refused otherwise
     * (a function that uses what it did not declare would fail in production only, where the part is not configured).
     */
    private static final class Part<T> implements java.util.function.Supplier<T>, AutoCloseable {
        private final String who;
        private final String what;
        private final boolean declared;
        private final java.util.function.Supplier<T> open;
        private T opened;

        Part(String who, String what, boolean declared, java.util.function.Supplier<T> open) {
            this.who = who;
            this.what = what;
            this.declared = declared;
            this.open = open;
        }

        @Override
        public synchronized T get() {
            if (!declared) {
                throw new IllegalStateException(who + " uses " + what + " but its function does not declare it (Catalog)");
            }
            if (opened == null) {
                opened = open.get();
            }
            return opened;
        }

        @Override
        public synchronized void close() throws Exception {
            if (opened instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    /**
     * Where the console finds the API: {@code DROVER_API_URL}; without it, a process that serves every function (the
     * API among them) calls itself on loopback; a process serving the console among named functions cannot guess and
     * refuses to start.
     */
    static java.util.function.Supplier<URI> apiUrl(Map<String, String> env, List<String> functions,
                                                   java.util.function.IntSupplier ownPort) {
        if (functions.contains("console")) {
            URI api = dev.drover.console.api.ConsoleApi.requiredUrl(env);
            return () -> api;
        }
        java.util.Optional<URI> api = dev.drover.console.api.ConsoleApi.url(env);
        if (api.isPresent()) {
            URI set = api.get();
            return () -> set;
        }
        return () -> URI.create("http://127.0.0.1:" + ownPort.getAsInt());
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
