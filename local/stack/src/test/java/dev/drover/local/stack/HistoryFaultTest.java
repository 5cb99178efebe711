package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.outbox.HistoryOutboxWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on the real parts, through the local stack with its history on the machine's PostgreSQL (a schema
 * of its own): the database unreachable while runs go on, and the stack stopped mid-run and started again on
 * the same Redis and database. Each ends with Redis and the history agreeing, every event once.
 */
class HistoryFaultTest {
    private static final String PG = System.getenv().getOrDefault("HISTORY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String MIGRATOR = "fault-migrator";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final String schema = "history_fault_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Settings functions = Settings.fromEnvironment(Map.of(
            "REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
            "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
    private final List<AutoCloseable> opened = new ArrayList<>();
    private LocalStack last;

    HistoryFaultTest() {
        sql("CREATE SCHEMA " + schema);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        if (last != null) {
            StackKeys.drop(last.state());
        }
        sql("DROP SCHEMA " + schema + " CASCADE");
    }

    private HistorySettings history(int port) {
        return new HistorySettings(PG.replace(":5432/", ":" + port + "/") + "?currentSchema=" + schema,
                                   Optional.of("postgres"), Optional.empty(), 4);
    }

    private LocalStack start(HistorySettings history) {
        LocalStack stack = LocalStack.start(LocalStackSettings.ephemeral(functions, FreePort.pick()).withoutDemo().withHistory(history));
        opened.add(stack);
        last = stack;
        return stack;
    }

    private ScriptedMigrator join(LocalStack stack) {
        ScriptedMigrator migrator = ScriptedMigrator.join(stack, MIGRATOR);
        opened.add(migrator);
        return migrator;
    }

    /** Starts the candidate and takes its one step to the migrator; reports it when {@code status} is given. */
    private static void run(StackApi api, ScriptedMigrator migrator, String migration, String candidate, CallbackStatus status)
            throws Exception {
        String runId = api.start(migration, candidate);
        ScriptedMigrator.Execution step = migrator.nextStep(runId, Duration.ofSeconds(60));
        if (status != null) {
            step.report(status, "fault");
            api.awaitStatus(migration, candidate, "completed", PATIENCE);
        } else {
            api.await(candidate + " dispatched", "/migrations/" + migration + "/candidates/" + candidate + "/steps", PATIENCE,
                      s -> "dispatched".equals(s.get("steps").get(0).get("status").asText()));
        }
    }

    @Test
    void runsGoOnWhilePostgresIsUnreachableAndHistoryCatchesUpOnce() throws Exception {
        try (TcpProxy proxy = new TcpProxy(FreePort.pick(), new InetSocketAddress("127.0.0.1", 5432)).start()) {
            LocalStack stack = start(history(proxy.port()));
            StackApi api = new StackApi(stack);
            ScriptedMigrator migrator = join(stack);
            api.announceAndDiscover(MIGRATOR, "pg-down", List.of("bump"), List.of("a", "b", "c", "d", "e"));
            run(api, migrator, "pg-down", "a", CallbackStatus.SUCCEEDED);
            assertTrue(stack.awaitHistory(PATIENCE));

            proxy.stop();
            for (String candidate : List.of("b", "c", "d", "e")) {
                run(api, migrator, "pg-down", candidate, CallbackStatus.SUCCEEDED);
            }
            assertEquals(503, api.call("GET", "/history/totals?migration=pg-down", null).statusCode());
            long waiting = stack.historyWriter().backlog();
            assertTrue(waiting >= 4 * 4, "starts, dispatches, reports and ends of 4 runs wait in the outbox: " + waiting);

            proxy.start();
            assertTrue(stack.awaitHistory(Duration.ofSeconds(60)), "the history writer caught up");
            JsonNode totals = api.get("/history/totals?migration=pg-down");
            assertEquals(5, totals.at("/runs/started").asInt());
            assertEquals(5, totals.at("/runs/completed").asInt());
            assertEquals(0, totals.at("/runs/active").asInt());
            assertEquals(5, totals.at("/steps/dispatched").asInt());
            assertEquals(5, totals.at("/steps/succeeded").asInt());
            assertEquals(5, api.get("/history/audit?migration=pg-down&action=start").get("items").size());
            assertEquals(count("SELECT COUNT(*) FROM history_events"), count("SELECT COUNT(DISTINCT idem_key) FROM history_events"));
            HistoryOutboxWriter.Figures figures = stack.historyWriter().figures();
            System.out.println("FIGURES postgres-down: waiting=" + waiting + " " + figures);
            assertTrue(figures.failures() > 0, "the writer met the outage");
        }
    }

    @Test
    void theStackStoppedMidRunAndStartedAgainAgreesWithItsHistory() throws Exception {
        LocalStack first = start(history(5432));
        StackApi api = new StackApi(first);
        ScriptedMigrator migrator = join(first);
        api.announceAndDiscover(MIGRATOR, "crash", List.of("bump"), List.of("a", "b", "c", "d", "e", "f"));
        for (String candidate : List.of("a", "b", "c")) {
            run(api, migrator, "crash", candidate, CallbackStatus.SUCCEEDED);
        }
        // The writer dies first (as under a SIGKILL it would have had no chance to catch up): what the runs
        // acknowledged is only in Redis now.
        first.historyWriter().close();
        for (String candidate : List.of("d", "e", "f")) {
            run(api, migrator, "crash", candidate, null);
        }
        long waiting = first.historyWriter().backlog();
        migrator.close();
        first.close(); // three runs in flight: the in-process Temporal server forgets them
        opened.remove(migrator);
        opened.remove(first);

        LocalStack second = start(history(5432));
        StackApi again = new StackApi(second);
        assertTrue(second.awaitHistory(PATIENCE));
        JsonNode counts = again.get("/migrations/crash").get("candidates").get("byStatus");
        assertEquals(3, counts.get("completed").asInt());
        assertEquals(3, counts.get("not_started").asInt());
        for (String candidate : List.of("d", "e", "f")) {
            assertEquals("cancelled", again.stepStatus("crash", candidate, 0), candidate + "'s step");
        }
        JsonNode totals = again.get("/history/totals?migration=crash");
        assertEquals(6, totals.at("/runs/started").asInt());
        assertEquals(3, totals.at("/runs/completed").asInt());
        assertEquals(3, totals.at("/runs/cancelled").asInt());
        assertEquals(0, totals.at("/runs/active").asInt());
        assertEquals(6, totals.at("/steps/dispatched").asInt());
        assertEquals(3, totals.at("/steps/succeeded").asInt());
        assertEquals(count("SELECT COUNT(*) FROM history_events"), count("SELECT COUNT(DISTINCT idem_key) FROM history_events"));
        System.out.println("FIGURES stack-restart: waiting=" + waiting + " " + second.historyWriter().figures());
    }

    private long count(String query) {
        try (Connection c = DriverManager.getConnection(PG + "?currentSchema=" + schema, "postgres", "");
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String statement) {
        try (Connection c = DriverManager.getConnection(PG, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }
}
