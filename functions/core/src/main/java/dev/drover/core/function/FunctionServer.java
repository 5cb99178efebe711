package dev.drover.core.function;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.http.JsonDirectHandler;
import io.helidon.health.HealthCheck;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.ObserveFeatureConfig;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import java.util.List;

/**
 * Starts a Helidon web server for a set of functions: the same code serves one function on Knative
 * and every function in the local stack.
 */
public final class FunctionServer {
    private FunctionServer() {
    }

    /** Every interface, as a container needs: its port is all that is exposed, by the platform. */
    public static final String ALL_INTERFACES = "0.0.0.0";

    public static WebServer start(Settings settings, List<Function> functions, List<HealthCheck> readiness,
                                  List<HttpService> extraServices, Authenticator auth) {
        return start(ALL_INTERFACES, settings, functions, readiness, extraServices, auth);
    }

    /**
     * On one interface only, e.g. {@code 127.0.0.1}: a developer machine's stack must not answer its
     * network.
     */
    public static WebServer start(String host, Settings settings, List<Function> functions, List<HealthCheck> readiness,
                                  List<HttpService> extraServices, Authenticator auth) {
        WebServerConfig.Builder server = WebServer.builder().host(host).port(settings.port());
        configure(server, settings, functions, readiness, extraServices, auth);
        WebServer started = server.build().start();
        // Once the server is up, so that readiness waits for no identity provider: a cold function's first request then
        // finds its caller's issuer's keys fetched, or being fetched (ADR 0017). Its functions' callers only:
        // /openapi.yaml accepts any, but is not what wakes a cold function.
        List<Access> callers = functions.stream().map(function -> function.spec().access()).toList();
        Thread.ofVirtual().name("issuer-keys").start(() -> auth.fetchKeys(callers));
        return started;
    }

    /** Everything but the port, shared with tests that let Helidon's test support pick one. */
    public static void configure(WebServerConfig.Builder server, Settings settings, List<Function> functions,
                                 List<HealthCheck> readiness, List<HttpService> extraServices, Authenticator auth) {
        DirectHandlers.Builder direct = DirectHandlers.builder();
        JsonDirectHandler json = new JsonDirectHandler();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            direct.addHandler(type, json);
        }
        // Without TCP_NODELAY a response larger than one segment waits ~40 ms for the client's delayed ACK
        // (measured by the candidate benchmark: a 50-item page went from 44 ms to under 1 ms).
        boolean metrics = settings.metrics().orElseGet(() -> metricsByDefault(functions));
        server.connectionOptions(options -> options.tcpNoDelay(true))
                .maxPayloadSize(settings.maxBodyBytes())
                .directHandlers(direct.build())
                .featuresDiscoverServices(false)
                .addFeature(observe(readiness, metrics))
                .routing(routing -> FunctionRouting.configure(routing, functions, settings.pubsub(), extraServices, auth, metrics,
                                                                   settings.logReads()));
    }

    /**
     * Metrics where someone can read them: a process that serves a subscription is always on (min-scale 1), so a
     * scraper sees one series per pod over hours. A process of REST functions alone scales to zero: its series would
     * last as long as a burst of requests, Knative's queue-proxy already counts and times every request of its
     * revision, and Helidon's metrics were a sixth of such a process's classes at start and a twentieth of a read's CPU
     * (issue 16, ADR 0017). {@code DROVER_METRICS=on} turns them on anyway.
     */
    static boolean metricsByDefault(List<Function> functions) {
        return functions.stream().anyMatch(f -> f.spec().kind() == FunctionKind.SUBSCRIPTION);
    }

    /** {@code /observe/health} (readiness runs the given checks) and, when on, {@code /observe/metrics} (Prometheus). */
    public static ObserveFeature observe(List<HealthCheck> readiness, boolean metrics) {
        HealthObserverConfig.Builder health = HealthObserver.builder().details(false).useSystemServices(false);
        readiness.forEach(health::addCheck);
        // Above the default routing weight (100), so /observe/* is matched before the catch-all 404. Observers are
        // named, not discovered: discovery finds the metrics observer on the class path and loads it, on or off.
        ObserveFeatureConfig.Builder observe = ObserveFeature.builder()
                .weight(200)
                .observersDiscoverServices(false)
                .addObserver(health.build());
        if (metrics) {
            observe.addObserver(MetricsObserver.create());
        }
        return observe.build();
    }
}
