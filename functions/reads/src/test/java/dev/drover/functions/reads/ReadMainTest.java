package dev.drover.functions.reads;

import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.auth.Role;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.core.rollout.RolloutProgress;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.core.rollout.RolloutStore;
import dev.drover.core.state.RedisState;
import dev.drover.issuer.DevIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read functions' own process, as their image starts it, on the machine's Redis, with this module's class path:
 * the state store, the contract and Helidon, no Temporal, no history database, no console. What a read needs and
 * this module did not bring would fail here, on an authenticated read, with {@code NoClassDefFoundError}.
 */
class ReadMainTest {
    private static final DevIssuer ISSUER = DevIssuer.start("127.0.0.1", 0);
    private static final String PREFIX = "drover-reads-test-" + UUID.randomUUID() + ":";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OWNER = "app-chart-migrator";
    private static final String ROLLOUT = "r-1";

    @AfterAll
    static void close() {
        ISSUER.close();
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.redis().keys(PREFIX + "*").forEach(state.redis()::del);
        }
    }

    private static Map<String, String> env(String function) {
        Map<String, String> env = new HashMap<>();
        env.put("DROVER_PORT", "0");
        env.put("REDIS_URL", "redis://127.0.0.1:6379");
        env.put("DROVER_REDIS_PREFIX", PREFIX);
        env.put("DROVER_OIDC_ISSUER", ISSUER.issuer().toString());
        if (function != null) {
            env.put("FUNCTION", function);
        }
        return env;
    }

    @Test
    void oneReadFunctionAnswersAnAuthenticatedRead() throws Exception {
        String id = announce();
        try (StateFunctionMain.Started started = ReadMain.start(env("migration-get"))) {
            assertEquals(List.of("migration-get"), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            HttpResponse<String> read = get(port, "/migrations/" + id, ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(200, read.statusCode(), read.body());
            assertTrue(read.body().contains("\"name\":\"Upgrade the service chart\""), read.body());
            assertEquals(401, get(port, "/migrations/" + id, null).statusCode(), "no token, no read");
            HttpResponse<String> missing = get(port, "/migrations/nowhere", ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("migration_not_found"), missing.body());
            assertEquals(204, get(port, "/observe/health/ready", null).statusCode(), "ready once Redis answers");
            assertEquals(200, get(port, "/openapi.yaml", ISSUER.userToken("vera", Role.VIEWER)).statusCode());
            HttpResponse<String> metrics = get(port, "/observe/metrics", ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(404, metrics.statusCode(), "a read function's process serves no metrics");
            assertTrue(metrics.body().contains("metrics_off"), metrics.body());
            // the other read functions are other Services: this one does not answer their routes
            assertEquals(404, get(port, "/migrations", ISSUER.userToken("vera", Role.VIEWER)).statusCode());
        }
    }

    @Test
    void itAsksItsIdentityProviderForKeysAsItStartsWithoutWaitingForARequest() throws Exception {
        // A listener in the identity provider's place: a cold function's first request finds the keys fetched, or being
        // fetched (ADR 0017). Without that, nothing asks the provider until a token comes, and accept() times out.
        try (ServerSocket provider = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = env("migration-get");
            env.put("DROVER_OIDC_ISSUER", "http://127.0.0.1:" + provider.getLocalPort() + "/realms/drover");
            try (StateFunctionMain.Started started = ReadMain.start(env)) {
                provider.setSoTimeout(10_000);
                try (Socket asked = provider.accept()) {
                    String request = new String(asked.getInputStream().readNBytes(60), StandardCharsets.ISO_8859_1);
                    assertTrue(request.startsWith("GET /realms/drover/.well-known/openid-configuration "), request);
                }
                assertEquals(204, get(started.server().port(), "/observe/health/ready", null).statusCode(),
                             "ready whatever the provider answers");
            }
        }
    }

    /**
     * Every read function answers on this class path (what each of them loads is here), and nothing that writes is served.
     */
    @Test
    void withoutFunctionItServesEveryReadFunctionAndNoWrite() throws Exception {
        String id = announce();
        try (StateFunctionMain.Started started = ReadMain.start(env(null))) {
            assertEquals(ReadCatalog.names(), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            String viewer = ISSUER.userToken("vera", Role.VIEWER);
            HttpResponse<String> list = get(port, "/migrations", viewer);
            assertEquals(200, list.statusCode(), list.body());
            assertTrue(list.body().contains("\"id\":\"" + id + "\""), list.body());
            HttpResponse<String> page = get(port, "/migrations/" + id + "/candidates?limit=50", viewer);
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().startsWith("{\"items\":[]"), page.body());
            for (String path : List.of("/candidates/c", "/candidates/c/steps")) {
                HttpResponse<String> missing = get(port, "/migrations/" + id + path, viewer);
                assertEquals(404, missing.statusCode(), path);
                assertTrue(missing.body().contains("\"code\":\"candidate_not_found\""), path + ": " + missing.body());
            }
            HttpResponse<String> outcomes = get(port, "/registry/announcements/" + id, ISSUER.migratorToken(OWNER));
            assertEquals(200, outcomes.statusCode(), outcomes.body());
            assertTrue(outcomes.body().contains("\"outcome\":\"accepted\""), outcomes.body());
            HttpResponse<String> rollouts = get(port, "/migrations/" + id + "/rollouts", viewer);
            assertEquals(200, rollouts.statusCode(), rollouts.body());
            assertTrue(rollouts.body().contains("\"rolloutId\":\"" + ROLLOUT + "\""), rollouts.body());
            HttpResponse<String> rollout = get(port, "/migrations/" + id + "/rollouts/" + ROLLOUT, viewer);
            assertEquals(200, rollout.statusCode(), rollout.body());
            assertTrue(rollout.body().contains("\"status\":\"running\""), rollout.body());
            HttpResponse<String> noRollout = get(port, "/migrations/" + id + "/rollouts/r-2", viewer);
            assertEquals(404, noRollout.statusCode());
            assertTrue(noRollout.body().contains("\"code\":\"rollout_not_found\""), noRollout.body());
            HttpResponse<java.io.InputStream> events = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/migrations/" + id + "/events"))
                            .header("authorization", "Bearer " + viewer).header("accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.BufferedReader stream = new java.io.BufferedReader(new java.io.InputStreamReader(events.body()))) {
                assertEquals(200, events.statusCode());
                assertEquals("event:counts", stream.readLine(), "a stream starts with the counts");
            }
            HttpResponse<String> submit = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/migrations/" + id + "/candidates"))
                                                            .header("authorization", "Bearer " + ISSUER.migratorToken(OWNER))
                                                            .POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, submit.statusCode(), "a submission is no read: " + submit.body());
        }
    }

    @Test
    void aFewNamedReadFunctionsAreServedTogetherAndNoOther() throws Exception {
        String id = announce();
        try (StateFunctionMain.Started started = ReadMain.start(env("migration-get,candidates-list"))) {
            assertEquals(List.of("migration-get", "candidates-list"), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            String viewer = ISSUER.userToken("vera", Role.VIEWER);
            assertEquals(200, get(port, "/migrations/" + id, viewer).statusCode());
            assertEquals(200, get(port, "/migrations/" + id + "/candidates?limit=50", viewer).statusCode());
            assertEquals(404, get(port, "/migrations", viewer).statusCode(), "migrations-list is not served");
        }
        // one wrong name in the list stops the process, naming it
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                        () -> ReadMain.start(env("migration-get,candidate-start")));
        assertTrue(refused.getMessage().startsWith("FUNCTION=candidate-start names no read function"), refused.getMessage());
    }

    @Test
    void aFunctionThatIsNoReadStopsTheProcessNamingTheReadFunctions() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ReadMain.start(env("candidate-start")));
        assertTrue(refused.getMessage().startsWith("FUNCTION=candidate-start names no read function"), refused.getMessage());
        assertTrue(refused.getMessage().contains("migration-get"), refused.getMessage());
    }

    @Test
    void metricsOnIsRefusedSinceTheImageHasNone() {
        Map<String, String> env = env("migration-get");
        env.put("DROVER_METRICS", "on");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ReadMain.start(env));
        assertTrue(refused.getMessage().startsWith("DROVER_METRICS=on: the image drover-reads has no metrics"), refused.getMessage());
    }

    @Test
    void theClassPathHoldsNeitherTemporalNorTheHistoryDatabaseNorWhatOnlyOtherFunctionsUse() {
        // What keeps a read function's start short (issue 16): a dependency that brings these back would lengthen it.
        for (String absent : List.of("io.temporal.client.WorkflowClient", "dev.drover.history.History", "org.flywaydb.core.Flyway",
                                     "dev.drover.console.Console", "io.grpc.ManagedChannel",
                                     "io.micrometer.core.instrument.MeterRegistry", "io.cloudevents.CloudEvent",
                                     "org.bouncycastle.crypto.signers.ECDSASigner")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent + " is on the read functions' class path");
        }
    }

    /** A migration announced by {@link #OWNER} and the outcome of that announcement, written to Redis as the registry would; its id. */
    private static String announce() {
        String id = "reads-" + UUID.randomUUID();
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.migrations().announce(new Migration(id, "Upgrade the service chart", "", List.of("Bump"),
                                                      List.of(new Step("bump-chart", "Bump the chart", OWNER, "bump-chart", Map.of())),
                                                      List.of(new Input("target-version", "Target version", ""))),
                                        OWNER);
            // what the registry records of the announcement it accepted (GET /registry/announcements/{id})
            state.announcements().record(new AnnouncementOutcome(id, OWNER, AnnouncementOutcome.ACCEPTED, null, null, Instant.now()));
            // a rollout of it, as its workflow records it when created (GET /migrations/{id}/rollouts)
            RolloutSpec spec = new RolloutSpec(ROLLOUT, id, null, 5, null, List.of(), null, Map.of(), "ann", "2026-12-04T23:00:00Z");
            new RolloutStore(state.redis(), state.keys()).create(spec, RolloutProgress.initial(spec, spec.createdAt()));
        }
        return id;
    }

    private static HttpResponse<String> get(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
