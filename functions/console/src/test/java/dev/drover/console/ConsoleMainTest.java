package dev.drover.console;

import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.auth.Role;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.core.state.RedisState;
import dev.drover.functions.reads.ReadCatalog;
import dev.drover.issuer.DevIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's own process, as its image starts it, with this module's class path: the console, the callers'
 * authentication and Helidon; no Temporal, no history, no step events' cryptography. The API it calls is the read
 * functions' own process (drover-reads, a test dependency) on the machine's Redis, so a page shows what the real API
 * answers. What the console needs and this module did not bring would fail here, with {@code NoClassDefFoundError}.
 */
class ConsoleMainTest {
    private static final DevIssuer ISSUER = DevIssuer.start("127.0.0.1", 0);
    private static final String PREFIX = "drover-console-test-" + UUID.randomUUID() + ":";
    private static final String SIGNING_KEY = SigningKeys.generate().secretJson();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @AfterAll
    static void close() {
        ISSUER.close();
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.redis().keys(PREFIX + "*").forEach(state.redis()::del);
        }
    }

    private static Map<String, String> env(String apiUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("DROVER_PORT", "0");
        env.put("DROVER_OIDC_ISSUER", ISSUER.issuer().toString());
        env.put("DROVER_SIGNING_KEY", SIGNING_KEY);
        env.put("FUNCTION", "console");
        if (apiUrl != null) {
            env.put("DROVER_API_URL", apiUrl);
        }
        return env;
    }

    @Test
    void aViewerSeesTheMigrationsTheApiServesAndABrowserWithoutASessionIsSentToSignIn() throws Exception {
        String id = "console-" + UUID.randomUUID();
        Map<String, String> apiEnv = new HashMap<>(Map.of("DROVER_PORT", "0", "REDIS_URL", "redis://127.0.0.1:6379",
                                                          "DROVER_REDIS_PREFIX", PREFIX, "DROVER_OIDC_ISSUER", ISSUER.issuer().toString(),
                                                          "FUNCTION", "migrations-list"));
        try (StateFunctionMain.Started api = StateFunctionMain.start(apiEnv, "drover-reads", ReadCatalog::read, ReadCatalog::build);
             ConsoleMain.Started console = ConsoleMain.start(env("http://127.0.0.1:" + api.server().port()))) {
            api.state().migrations().announce(new Migration(id, "Upgrade the service chart", "", List.of("Bump"),
                                                            List.of(new Step("bump-chart", "Bump the chart", "app-chart", "bump-chart", Map.of())),
                                                            List.of()),
                                              "app-chart");
            assertEquals(List.of("console"), console.functions().stream().map(f -> f.spec().name()).toList());
            int port = console.server().port();
            HttpResponse<String> page = get(port, "/console/", ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().contains(id), "the migrations page lists what the API answered: " + page.body());

            HttpResponse<String> browser = get(port, "/console/", null);
            assertEquals(302, browser.statusCode(), browser.body());
            assertTrue(browser.headers().firstValue("location").orElse("").contains("/console/sign-in"), browser.headers().map().toString());
            assertEquals(204, get(port, "/observe/health/ready", null).statusCode(), "ready: the console opens nothing");
            assertEquals(404, get(port, "/migrations", ISSUER.userToken("vera", Role.VIEWER)).statusCode(), "the console serves no API");
        }
    }

    @Test
    void whileTheApiIsUnreachableAPageSaysSo() throws Exception {
        try (ConsoleMain.Started console = ConsoleMain.start(env("http://127.0.0.1:1"))) {
            HttpResponse<String> page = get(console.server().port(), "/console/", ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(503, page.statusCode(), page.body());
            assertTrue(page.body().contains("<html"), "a page, not a JSON error: " + page.body());
        }
    }

    @Test
    void aWrongSettingStopsTheProcessNamingIt() {
        Map<String, String> other = env("http://127.0.0.1:1");
        other.put("FUNCTION", "migration-get");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleMain.start(other)).getMessage()
                           .startsWith("FUNCTION=migration-get names no function of this image (drover-console serves the console alone"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleMain.start(env(null))).getMessage()
                           .startsWith("DROVER_API_URL is not set"));
        Map<String, String> noKey = env("http://127.0.0.1:1");
        noKey.remove("DROVER_SIGNING_KEY");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleMain.start(noKey)).getMessage()
                           .startsWith("DROVER_SIGNING_KEY is not set"));
        Map<String, String> metrics = env("http://127.0.0.1:1");
        metrics.put("DROVER_METRICS", "on");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleMain.start(metrics)).getMessage()
                           .startsWith("DROVER_METRICS=on: the image drover-console has no metrics"));
    }

    @Test
    void theClassPathHoldsNeitherTemporalNorTheHistoryNorTheStepEventsCryptography() {
        // What keeps the console's start short (issue 16): a dependency that brings these back would lengthen it.
        for (String absent : List.of("io.temporal.client.WorkflowClient", "dev.drover.history.History", "org.flywaydb.core.Flyway",
                                     "org.h2.Driver", "org.postgresql.Driver", "io.grpc.ManagedChannel",
                                     "io.micrometer.core.instrument.MeterRegistry", "io.cloudevents.CloudEvent",
                                     "org.bouncycastle.crypto.signers.ECDSASigner")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent + " is on the console's class path");
        }
    }

    private static HttpResponse<String> get(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("accept", "text/html");
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
