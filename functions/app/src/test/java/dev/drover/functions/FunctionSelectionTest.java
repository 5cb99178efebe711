package dev.drover.functions;

import dev.drover.core.auth.Authenticator;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import dev.drover.core.http.OpenApiService;
import dev.drover.core.state.RedisState;
import dev.drover.functions.historyreads.HistoryReadCatalog;
import dev.drover.functions.reads.ReadCatalog;
import dev.drover.functions.runs.RunCatalog;
import dev.drover.functions.writes.WriteCatalog;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FUNCTION=<name> serves that one function, the way each Knative Service runs. */
class FunctionSelectionTest {
    private static final RedisState STATE = TestState.create();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    /** A GET as a viewer (and as the Dapr sidecar, which is how /dapr/subscribe is asked). */
    private HttpResponse<String> get(WebServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                                 .header("Authorization", "Bearer " + TestTrust.viewer())
                                 .header("dapr-api-token", TestTrust.APP_API_TOKEN).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private WebServer serve(String function) {
        return serve(Map.of("DROVER_PORT", "0", "FUNCTION", function));
    }

    private WebServer serve(Map<String, String> env) {
        Settings settings = Settings.fromEnvironment(env);
        List<Function> selected = Catalog.select(Catalog.all(TestPlatform.withoutRuns(STATE)), settings.function());
        Authenticator auth = TestTrust.TRUST.authenticator();
        return FunctionServer.start(settings, selected, List.of(STATE.readiness()), List.of(new OpenApiService(auth)), auth);
    }

    /**
     * The read, write, history and run functions' images serve what ReadCatalog, WriteCatalog, HistoryReadCatalog and
     * RunCatalog list; the local stack and CatalogManifestTest know the functions from Catalog, so a function missing
     * there would be served nowhere locally and checked against no manifest.
     */
    @Test
    void everyFunctionOfAnImageOfItsOwnIsInTheCatalogAndRunsFromThatImage() {
        for (String read : ReadCatalog.names()) {
            assertTrue(Catalog.names().contains(read), read + " is in ReadCatalog but not in Catalog");
            assertEquals("drover-reads", Catalog.image(read), read);
        }
        for (String write : WriteCatalog.names()) {
            assertTrue(Catalog.names().contains(write), write + " is in WriteCatalog but not in Catalog");
            assertEquals("drover-writes", Catalog.image(write), write);
        }
        assertEquals(5, HistoryReadCatalog.names().size(), HistoryReadCatalog.names().toString());
        for (String history : HistoryReadCatalog.names()) {
            assertTrue(Catalog.names().contains(history), history + " is in HistoryReadCatalog but not in Catalog");
            assertEquals("drover-history-reads", Catalog.image(history), history);
            assertEquals("drover.aot", Catalog.aotCache(history), "its image's one cache");
        }
        assertEquals(12, RunCatalog.names().size(), RunCatalog.names().toString());
        for (String run : RunCatalog.names()) {
            assertTrue(Catalog.names().contains(run), run + " is in RunCatalog but not in Catalog");
            assertEquals("drover-runs", Catalog.image(run), run);
            assertEquals("drover.aot", Catalog.aotCache(run), "its image's one cache");
            assertEquals(run.equals("candidate-start"), Catalog.usesSigningKey(run), run + " holds the signing key");
        }
        assertEquals("drover-functions", Catalog.image("dead-letters"), "it checks the step events' signatures");
        assertEquals("drover-console", Catalog.image("console"));
        assertEquals("drover.aot", Catalog.aotCache("console"), "its image's one cache");
        assertEquals("drover-functions", Catalog.image("registry-announce"), "a subscription, always on, with metrics");
        assertThrows(IllegalArgumentException.class, () -> Catalog.image("no-such-function"));
    }

    @Test
    void functionNamesAreUniqueSlugs() {
        List<String> names = Catalog.all(TestPlatform.withoutRuns(STATE)).stream().map(f -> f.spec().name()).toList();
        assertEquals(names.size(), new HashSet<>(names).size(), names.toString());
    }

    @Test
    void anUnknownFunctionNameSaysWhichExist() {
        var e = assertThrows(IllegalArgumentException.class,
                             () -> Catalog.select(Catalog.all(TestPlatform.withoutRuns(STATE)), Optional.of("migrations-lst")));
        assertTrue(e.getMessage().contains("migrations-list"), e.getMessage());
    }

    @Test
    void aRestFunctionServesOnlyItsRoute() throws Exception {
        WebServer server = serve("migrations-list");
        try {
            assertEquals(200, get(server, "/migrations").statusCode());
            HttpResponse<String> other = get(server, "/migrations/x/candidates");
            assertEquals(404, other.statusCode());
            assertTrue(other.body().contains("route_not_found"));
            assertEquals("[]", get(server, "/dapr/subscribe").body());
            assertEquals(204, get(server, "/observe/health/ready").statusCode());
        } finally {
            server.stop();
        }
    }

    @Test
    void aSubscriptionFunctionDeclaresItsTopic() throws Exception {
        WebServer server = serve("registry-announce");
        try {
            String subscriptions = get(server, "/dapr/subscribe").body();
            assertTrue(subscriptions.contains("\"topic\":\"migration-registry\""), subscriptions);
            assertEquals(404, get(server, "/migrations").statusCode());
        } finally {
            server.stop();
        }
    }

    /** A REST function scales to zero: Knative's queue-proxy counts its requests, and it starts without Helidon's metrics. */
    @Test
    void metricsAreServedWhereAProcessStaysUpOrWhereAsked() throws Exception {
        WebServer rest = serve("migration-get");
        WebServer subscription = serve("registry-announce");
        WebServer asked = serve(Map.of("DROVER_PORT", "0", "FUNCTION", "migration-get", "DROVER_METRICS", "on"));
        WebServer refused = serve(Map.of("DROVER_PORT", "0", "FUNCTION", "registry-announce", "DROVER_METRICS", "off"));
        try {
            HttpResponse<String> off = get(rest, "/observe/metrics");
            assertEquals(404, off.statusCode());
            assertTrue(off.body().contains("\"code\":\"metrics_off\""), off.body());
            assertEquals(204, get(rest, "/observe/health/ready").statusCode(), "health is served either way");
            assertEquals(404, get(refused, "/observe/metrics").statusCode());
            for (WebServer on : List.of(subscription, asked)) {
                HttpResponse<String> metrics = get(on, "/observe/metrics");
                assertEquals(200, metrics.statusCode());
                assertTrue(metrics.body().contains("# TYPE"), "Prometheus text: " + metrics.body().lines().findFirst().orElse(""));
            }
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + rest.port() + "/observe/metrics")).build(),
                                        HttpResponse.BodyHandlers.ofString()).statusCode(), "a caller is proven first, on or off");
        } finally {
            for (WebServer server : List.of(rest, subscription, asked, refused)) {
                server.stop();
            }
        }
    }
}
