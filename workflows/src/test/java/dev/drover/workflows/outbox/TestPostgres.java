package dev.drover.workflows.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The machine's PostgreSQL for the outbox tests: its {@code test} database, and statements run as its admin. */
final class TestPostgres {
    static final String URL = System.getenv().getOrDefault("HISTORY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    private TestPostgres() {
    }

    /** The single number a query answers (a count). */
    static long number(String query) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement();
             java.sql.ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(query + ": " + e.getMessage(), e);
        }
    }

    static void sql(String statement) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (Exception e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }
}
