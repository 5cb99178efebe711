package dev.drover.functions.writes;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.auth.Role;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.core.state.RedisState;
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
 * The write functions' own process, as their image starts it, on the machine's Redis, with this module's class path:
 * the read functions' (the state store, the contract and Helidon) and Guava; no Temporal, no history database, no
 * console. What a write needs and this module did not bring would fail here, with {@code NoClassDefFoundError}.
 */
class WriteMainTest {
    private static final DevIssuer ISSUER = DevIssuer.start("127.0.0.1", 0);
    private static final String PREFIX = "drover-writes-test-" + UUID.randomUUID() + ":";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OWNER = "app-chart-migrator";
    private static final String CANDIDATES = """
            {"candidates":[{"id":"payments","kind":"application","metadata":{"team":"payments"},
              "files":[{"name":"production","repo":"https://git.example/gitops",
                        "files":[{"path":"apps/payments/values.yaml"}]}],"steps":[]}]}""";

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
    void candidatesSubmitTakesTheOwnersDiscoveryAndRecordsIt() throws Exception {
        String id = announce();
        try (StateFunctionMain.Started started = WriteMain.start(env("candidates-submit"))) {
            assertEquals(List.of("candidates-submit"), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            HttpResponse<String> submitted = send(port, "POST", "/migrations/" + id + "/candidates", ISSUER.migratorToken(OWNER), CANDIDATES);
            assertEquals(200, submitted.statusCode(), submitted.body());
            assertTrue(submitted.body().contains("\"added\":1"), submitted.body());
            assertEquals(403, send(port, "POST", "/migrations/" + id + "/candidates", ISSUER.migratorToken("another-app"), CANDIDATES)
                    .statusCode(), "only the owner submits");
            assertEquals(401, send(port, "POST", "/migrations/" + id + "/candidates", null, CANDIDATES).statusCode());
            assertEquals(204, send(port, "GET", "/observe/health/ready", null, null).statusCode(), "ready once Redis answers");
            try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
                assertEquals(CandidateStatus.NOT_STARTED, state.candidates().find(id, "payments").orElseThrow().status());
                long outbox = state.redis().xlen(state.keys().historyOutbox());
                assertTrue(outbox >= 1, "the submission's history went to the outbox: " + outbox);
            }
            assertEquals(404, send(port, "GET", "/migrations/" + id, ISSUER.userToken("vera", Role.VIEWER), null).statusCode(),
                         "a process of one write serves no read");
        }
    }

    @Test
    void withoutFunctionItServesEveryWriteFunction() throws Exception {
        String id = announce();
        try (StateFunctionMain.Started started = WriteMain.start(env(null))) {
            assertEquals(WriteCatalog.names(), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            assertEquals(200, send(port, "POST", "/migrations/" + id + "/candidates", ISSUER.migratorToken(OWNER), CANDIDATES).statusCode());
            HttpResponse<String> inputs = send(port, "PATCH", "/migrations/" + id + "/candidates/payments/inputs",
                                               ISSUER.userToken("olga", Role.OPERATOR), "{\"target-version\":\"3.1.0\"}");
            assertEquals(200, inputs.statusCode(), inputs.body());
            assertTrue(inputs.body().contains("\"target-version\":\"3.1.0\""), inputs.body());
            assertEquals(403, send(port, "PATCH", "/migrations/" + id + "/candidates/payments/inputs",
                                   ISSUER.userToken("vera", Role.VIEWER), "{\"target-version\":\"3.1.0\"}").statusCode(), "a viewer edits nothing");
            HttpResponse<String> owner = send(port, "PUT", "/migrations/" + id + "/owner", ISSUER.userToken("ada", Role.ADMIN),
                                              "{\"app\":\"chart-migrator-v2\"}");
            assertEquals(200, owner.statusCode(), owner.body());
            assertTrue(owner.body().contains("\"previousOwner\":\"" + OWNER + "\""), owner.body());
            HttpResponse<String> missing = send(port, "PUT", "/migrations/nowhere-" + UUID.randomUUID() + "/owner",
                                                ISSUER.userToken("ada", Role.ADMIN), "{\"app\":\"x\"}");
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("migration_not_found"), missing.body());
        }
    }

    @Test
    void aFunctionThatIsNoWriteStopsTheProcessNamingTheWriteFunctions() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> WriteMain.start(env("candidate-start")));
        assertTrue(refused.getMessage().startsWith("FUNCTION=candidate-start names no write function"), refused.getMessage());
        assertTrue(refused.getMessage().contains("candidate-inputs, candidates-submit, migration-owner"), refused.getMessage());
    }

    @Test
    void metricsOnIsRefusedSinceTheImageHasNone() {
        Map<String, String> env = env("candidates-submit");
        env.put("DROVER_METRICS", "on");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> WriteMain.start(env));
        assertTrue(refused.getMessage().startsWith("DROVER_METRICS=on: the image drover-writes has no metrics"), refused.getMessage());
    }

    @Test
    void aWrongTrustedProxyStopsTheProcessNamingTheSetting() {
        Map<String, String> env = env("candidates-submit");
        env.put("DROVER_TRUSTED_PROXIES", "not-an-address");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> WriteMain.start(env));
        assertTrue(refused.getMessage().contains("DROVER_TRUSTED_PROXIES"), refused.getMessage());
    }

    @Test
    void theClassPathHoldsNeitherTemporalNorTheHistoryDatabaseNorWhatOnlyOtherFunctionsUse() {
        // What keeps a write function's start short (issue 16): a dependency that brings these back would lengthen it.
        for (String absent : List.of("io.temporal.client.WorkflowClient", "dev.drover.history.History", "org.flywaydb.core.Flyway",
                                     "dev.drover.console.Console", "io.grpc.ManagedChannel", "dev.drover.workflows.RunStarter",
                                     "io.micrometer.core.instrument.MeterRegistry", "io.cloudevents.CloudEvent",
                                     "org.bouncycastle.crypto.signers.ECDSASigner", "org.h2.Driver", "org.postgresql.Driver")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent + " is on the write functions' class path");
        }
    }

    /** A migration announced by {@link #OWNER}, written to Redis as the registry would; its id. */
    private static String announce() {
        String id = "writes-" + UUID.randomUUID();
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.migrations().announce(new Migration(id, "Upgrade the service chart", "", List.of("Bump"),
                                                      List.of(new Step("bump-chart", "Bump the chart", OWNER, "bump-chart", Map.of())),
                                                      List.of(new Input("target-version", "Target version", ""))),
                                        OWNER);
        }
        return id;
    }

    private static HttpResponse<String> send(int port, String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
