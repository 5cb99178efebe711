package dev.drover.functions.runs;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.auth.Role;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.core.state.RedisState;
import dev.drover.issuer.DevIssuer;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run functions' own process, as their image starts it, on the machine's Redis and Temporal's test server on a
 * port (as the local stack runs it; no worker, so a run starts and waits), with this module's class path: the state
 * store, Temporal's client and Helidon; no history, console, Dapr or the step events' cryptography. What a run function
 * needs and this module did not bring would fail here, with {@code NoClassDefFoundError}.
 */
class RunMainTest {
    private static final DevIssuer ISSUER = DevIssuer.start("127.0.0.1", 0);
    private static final String PREFIX = "drover-runs-test-" + UUID.randomUUID() + ":";
    private static final String SIGNING_KEY = SigningKeys.generate().secretJson();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int TEMPORAL_PORT = freePort();
    private static final TestServer.PortBoundTestServer TEMPORAL = TestServer.createPortBoundServer(TEMPORAL_PORT);
    private static final String OWNER = "app-chart-migrator";

    @AfterAll
    static void close() {
        ISSUER.close();
        TEMPORAL.close();
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.redis().keys(PREFIX + "*").forEach(state.redis()::del);
        }
    }

    private static Map<String, String> env(String function, String temporal) {
        Map<String, String> env = new HashMap<>();
        env.put("DROVER_PORT", "0");
        env.put("REDIS_URL", "redis://127.0.0.1:6379");
        env.put("DROVER_REDIS_PREFIX", PREFIX);
        env.put("DROVER_OIDC_ISSUER", ISSUER.issuer().toString());
        env.put("TEMPORAL_ADDRESS", temporal);
        env.put("DROVER_SIGNING_KEY", SIGNING_KEY);
        if (function != null) {
            env.put("FUNCTION", function);
        }
        return env;
    }

    @Test
    void candidateStartStartsARunInTemporalAndCancelAsksItToStop() throws Exception {
        String id = migration();
        try (StateFunctionMain.Started started = RunMain.start(env(null, "127.0.0.1:" + TEMPORAL_PORT))) {
            assertEquals(RunCatalog.names(), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            String operator = ISSUER.userToken("olga", Role.OPERATOR);
            HttpResponse<String> start = send(port, "POST", "/migrations/" + id + "/candidates/payments/start", operator, "{}");
            assertEquals(202, start.statusCode(), start.body());
            Matcher runId = Pattern.compile("\"runId\":\"(run-[^\"]+)\"").matcher(start.body());
            assertTrue(runId.find(), start.body());
            assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(runId.group(1)), "the run is in Temporal");
            assertEquals(409, send(port, "POST", "/migrations/" + id + "/candidates/payments/start", operator, "{}").statusCode(),
                         "a running candidate is not started twice");
            assertEquals(403, send(port, "POST", "/migrations/" + id + "/candidates/payments/start",
                                   ISSUER.userToken("vera", Role.VIEWER), "{}").statusCode(), "a viewer starts nothing");
            HttpResponse<String> cancel = send(port, "POST", "/migrations/" + id + "/candidates/payments/cancel", operator, null);
            assertEquals(2, cancel.statusCode() / 100, cancel.body());
            HttpResponse<String> callback = send(port, "POST", "/event/" + runId.group(1), ISSUER.migratorToken(OWNER),
                                                 "{\"stepName\":\"bump-chart\",\"dispatch\":1,\"status\":\"succeeded\",\"token\":\"forged\"}");
            assertEquals(403, callback.statusCode(), callback.body());
            assertEquals(204, send(port, "GET", "/observe/health/ready", null, null).statusCode());
        }
    }

    @Test
    void whileTemporalIsDownItIsReadyAndAStartAnswers503() throws Exception {
        String id = migration();
        try (StateFunctionMain.Started started = RunMain.start(env("candidate-start", "127.0.0.1:1"))) {
            int port = started.server().port();
            assertEquals(204, send(port, "GET", "/observe/health/ready", null, null).statusCode(), "readiness asks Redis, not Temporal");
            HttpResponse<String> start = send(port, "POST", "/migrations/" + id + "/candidates/payments/start",
                                              ISSUER.userToken("olga", Role.OPERATOR), "{}");
            assertEquals(503, start.statusCode(), start.body());
            assertTrue(start.body().contains("runs_unavailable"), start.body());
        }
    }

    @Test
    void itConnectsToTemporalAsItStartsWithoutWaitingForARequest() throws Exception {
        // A listener in Temporal's place: a cold function's first request finds the connection made (ADR 0017). Without
        // the early connection nothing connects until a request calls Temporal, and accept() times out.
        try (ServerSocket temporal = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             StateFunctionMain.Started started = RunMain.start(env("candidate-cancel", "127.0.0.1:" + temporal.getLocalPort()))) {
            temporal.setSoTimeout(10_000);
            try (Socket connection = temporal.accept()) {
                // gRPC's first bytes on a connection: HTTP/2's client preface
                String preface = new String(connection.getInputStream().readNBytes(24), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertEquals("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", preface, "what connected is Temporal's gRPC client");
            }
            assertEquals(204, send(started.server().port(), "GET", "/observe/health/ready", null, null).statusCode(),
                         "ready while what it connected to is no Temporal");
        }
    }

    @Test
    void theSigningKeyIsReadWhereCandidateStartIsServedAlone() throws Exception {
        Map<String, String> noKey = env("candidate-start", "127.0.0.1:" + TEMPORAL_PORT);
        noKey.remove("DROVER_SIGNING_KEY");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RunMain.start(noKey));
        assertTrue(refused.getMessage().startsWith("DROVER_SIGNING_KEY is not set"), refused.getMessage());
        Map<String, String> cancelOnly = env("candidate-cancel", "127.0.0.1:" + TEMPORAL_PORT);
        cancelOnly.remove("DROVER_SIGNING_KEY");
        try (StateFunctionMain.Started started = RunMain.start(cancelOnly)) {
            assertEquals(List.of("candidate-cancel"), started.functions().stream().map(f -> f.spec().name()).toList());
        }
    }

    @Test
    void aWrongSettingStopsTheProcessNamingIt() {
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                                                      () -> RunMain.start(env("migration-get", "127.0.0.1:" + TEMPORAL_PORT)));
        assertTrue(other.getMessage().startsWith("FUNCTION=migration-get names no run function"), other.getMessage());
        assertTrue(other.getMessage().contains("bulk-cancel, bulk-retry, candidate-cancel"), other.getMessage());
        IllegalArgumentException address = assertThrows(IllegalArgumentException.class,
                                                        () -> RunMain.start(env("candidate-cancel", "not an address")));
        assertTrue(address.getMessage().startsWith("TEMPORAL_ADDRESS=not an address is not a Temporal address"), address.getMessage());
        Map<String, String> metrics = env("candidate-cancel", "127.0.0.1:" + TEMPORAL_PORT);
        metrics.put("DROVER_METRICS", "on");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunMain.start(metrics)).getMessage()
                           .startsWith("DROVER_METRICS=on: the image drover-runs has no metrics"));
    }

    @Test
    void theClassPathHoldsNeitherTheHistoryNorDaprNorWhatOnlyOtherFunctionsUse() {
        // What keeps a run function's start short (issue 16): a dependency that brings these back would lengthen it.
        for (String absent : List.of("dev.drover.history.History", "org.flywaydb.core.Flyway", "org.h2.Driver", "org.postgresql.Driver",
                                     "dev.drover.console.Console", "io.dapr.client.DaprClient", "io.cloudevents.CloudEvent",
                                     "org.bouncycastle.crypto.signers.ECDSASigner",
                                     "io.helidon.metrics.providers.micrometer.PrometheusPublisherProvider")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent + " is on the run functions' class path");
        }
    }

    /** A migration of one step with the candidate {@code payments}, written to Redis as the registry and a discovery would. */
    private static String migration() {
        String id = "runs-" + UUID.randomUUID();
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.migrations().announce(new Migration(id, "Upgrade the service chart", "", List.of("Bump"),
                                                      List.of(new Step("bump-chart", "Bump the chart", OWNER, "bump-chart", Map.of())),
                                                      List.of()),
                                        OWNER);
            state.candidates().merge(id, List.of(new DiscoveredCandidate("payments", "application", Map.of(), List.of(
                    new FileGroup("production", "https://git.example/gitops", List.of(new FileRef("apps/payments/values.yaml", "")))),
                                                                         List.of())));
        }
        return id;
    }

    private static WorkflowExecutionStatus status(String runId) {
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + TEMPORAL_PORT).build());
        try {
            return WorkflowClient.newInstance(service).newUntypedWorkflowStub(runId).describe().getStatus();
        } finally {
            service.shutdown();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
