package dev.drover.functions.historyreads;

import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.auth.Role;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.core.history.EventKind;
import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.OperatorAction;
import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.issuer.DevIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history functions' own process, as their image starts it, on the machine's Redis and PostgreSQL (a schema of its
 * own in database {@code test}, {@code HISTORY_TEST_PG_URL} to move it), with this module's class path: the state
 * store, the history's queries and Helidon; no Temporal, no console, no H2. What a history function needs and this
 * module did not bring would fail here, with {@code NoClassDefFoundError}. Flyway is on this class path for the test's
 * own schema migration alone (the image has none: its AOT training at package starts the process without it).
 */
class HistoryReadMainTest {
    private static final DevIssuer ISSUER = DevIssuer.start("127.0.0.1", 0);
    private static final String PREFIX = "drover-history-reads-test-" + UUID.randomUUID() + ":";
    private static final String PG = Optional.ofNullable(System.getenv("HISTORY_TEST_PG_URL")).orElse("jdbc:postgresql://127.0.0.1:5432/test");
    private static final String SCHEMA = "history_reads_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String URL = PG + (PG.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OWNER = "app-chart-migrator";
    private static final String MIGRATION = "history-reads-" + UUID.randomUUID();

    /** The migration in Redis, and what the worker's history writer would have written of it: two runs, one completed, and an action. */
    @BeforeAll
    static void recordHistory() {
        execute("CREATE SCHEMA " + SCHEMA);
        try (History history = History.open(new HistorySettings(URL, Optional.of("postgres"), Optional.empty(), 2))) {
            Instant at = Instant.parse("2026-12-01T10:00:00Z");
            history.recorder().recordAll(List.of(
                    HistoryEvent.runStarted("run-1", MIGRATION, "payments", 1, at),
                    HistoryEvent.runStarted("run-2", MIGRATION, "billing", 1, at.plusSeconds(1)),
                    HistoryEvent.runEnded(EventKind.RUN_COMPLETED, "run-1", MIGRATION, "payments", 1, at.plusSeconds(60), Duration.ofSeconds(60))));
            history.recorder().record(new OperatorAction(at, "olga", "start", MIGRATION, "payments", "run-1", "10.0.0.7", Map.of()));
        }
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.migrations().announce(new Migration(MIGRATION, "Upgrade the service chart", "", List.of("Bump"),
                                                      List.of(new Step("bump-chart", "Bump the chart", OWNER, "bump-chart", Map.of())),
                                                      List.of()),
                                        OWNER);
        }
    }

    @AfterAll
    static void close() {
        ISSUER.close();
        try (RedisState state = RedisState.connect(URI.create("redis://127.0.0.1:6379"), PREFIX)) {
            state.redis().keys(PREFIX + "*").forEach(state.redis()::del);
        }
        execute("DROP SCHEMA " + SCHEMA + " CASCADE");
    }

    private static Map<String, String> env(String function, String historyUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("DROVER_PORT", "0");
        env.put("REDIS_URL", "redis://127.0.0.1:6379");
        env.put("DROVER_REDIS_PREFIX", PREFIX);
        env.put("DROVER_OIDC_ISSUER", ISSUER.issuer().toString());
        env.put("HISTORY_DB_URL", historyUrl);
        env.put("HISTORY_DB_USER", "postgres");
        if (function != null) {
            env.put("FUNCTION", function);
        }
        return env;
    }

    @Test
    void historyTotalsCountsWhatTheHistoryWriterRecorded() throws Exception {
        try (StateFunctionMain.Started started = HistoryReadMain.start(env("history-totals", URL))) {
            assertEquals(List.of("history-totals"), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            HttpResponse<String> totals = get(port, "/history/totals?migration=" + MIGRATION, ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(200, totals.statusCode(), totals.body());
            assertTrue(totals.body().contains("\"runs\":{\"started\":2,\"completed\":1,\"cancelled\":0,\"active\":1}"), totals.body());
            assertEquals(401, get(port, "/history/totals?migration=" + MIGRATION, null).statusCode());
            HttpResponse<String> unknown = get(port, "/history/totals?migration=nowhere", ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(404, unknown.statusCode(), "the migration is looked up in Redis");
            assertTrue(unknown.body().contains("migration_not_found"), unknown.body());
            assertEquals(204, get(port, "/observe/health/ready", null).statusCode(), "ready once Redis answers");
            assertEquals(404, get(port, "/history/audit?migration=" + MIGRATION, ISSUER.userToken("ada", Role.ADMIN)).statusCode(),
                         "a process of one history function serves no other");
        }
    }

    @Test
    void withoutFunctionItServesEveryHistoryFunction() throws Exception {
        try (StateFunctionMain.Started started = HistoryReadMain.start(env(null, URL))) {
            assertEquals(HistoryReadCatalog.names(), started.functions().stream().map(f -> f.spec().name()).toList());
            int port = started.server().port();
            HttpResponse<String> audit = get(port, "/history/audit?migration=" + MIGRATION, ISSUER.userToken("ada", Role.ADMIN));
            assertEquals(200, audit.statusCode(), audit.body());
            assertTrue(audit.body().contains("\"actor\":\"olga\""), audit.body());
            assertEquals(403, get(port, "/history/audit?migration=" + MIGRATION, ISSUER.userToken("vera", Role.VIEWER)).statusCode(),
                         "the audit log is an admin's");
            for (String read : List.of("/history/burndown", "/history/steps", "/history/failures")) {
                HttpResponse<String> answer = get(port, read + "?migration=" + MIGRATION, ISSUER.userToken("vera", Role.VIEWER));
                assertEquals(200, answer.statusCode(), read + ": " + answer.body());
            }
        }
    }

    @Test
    void whileTheDatabaseIsDownItIsReadyAndAnswers503() throws Exception {
        try (StateFunctionMain.Started started = HistoryReadMain.start(env("history-totals", "jdbc:postgresql://127.0.0.1:1/drover"))) {
            int port = started.server().port();
            assertEquals(204, get(port, "/observe/health/ready", null).statusCode(), "readiness asks Redis, not the history");
            HttpResponse<String> totals = get(port, "/history/totals?migration=" + MIGRATION, ISSUER.userToken("vera", Role.VIEWER));
            assertEquals(503, totals.statusCode(), totals.body());
            assertTrue(totals.body().contains("history_unavailable"), totals.body());
        }
    }

    @Test
    void aHistoryDatabaseThatIsNotPostgresqlStopsTheProcessNamingTheSetting() {
        IllegalArgumentException h2 = assertThrows(IllegalArgumentException.class,
                                                   () -> HistoryReadMain.start(env("history-totals", HistorySettings.DEFAULT_URL)));
        assertTrue(h2.getMessage().startsWith("HISTORY_DB_URL=jdbc:h2:mem:drover-history"), h2.getMessage());
        assertTrue(h2.getMessage().contains("is not a PostgreSQL URL"), h2.getMessage());
        Map<String, String> unset = env("history-totals", URL);
        unset.remove("HISTORY_DB_URL");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> HistoryReadMain.start(unset));
        assertTrue(missing.getMessage().startsWith("HISTORY_DB_URL is not set"), missing.getMessage());
    }

    @Test
    void aFunctionThatIsNoHistoryFunctionStopsTheProcessNamingThem() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                        () -> HistoryReadMain.start(env("migration-get", URL)));
        assertTrue(refused.getMessage().startsWith("FUNCTION=migration-get names no history function"), refused.getMessage());
        assertTrue(refused.getMessage().contains("history-audit, history-burndown, history-failures, history-steps, history-totals"),
                   refused.getMessage());
    }

    @Test
    void theClassPathHoldsNeitherTemporalNorH2NorWhatOnlyOtherFunctionsUse() {
        // What keeps a history function's start short (issue 16): a dependency that brings these back would lengthen it.
        for (String absent : List.of("io.temporal.client.WorkflowClient", "org.h2.Driver", "dev.drover.console.Console",
                                     "io.grpc.ManagedChannel", "dev.drover.workflows.RunStarter", "com.google.common.net.InetAddresses",
                                     "io.micrometer.core.instrument.MeterRegistry", "io.cloudevents.CloudEvent",
                                     "org.bouncycastle.crypto.signers.ECDSASigner", "dev.drover.functions.reads.ReadCatalog")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent + " is on the history functions' class path");
        }
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static HttpResponse<String> get(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
