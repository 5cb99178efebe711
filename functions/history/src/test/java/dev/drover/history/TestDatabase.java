package dev.drover.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * A private database for one test class: an in-memory H2 database in PostgreSQL mode, or a schema of
 * its own in the machine's PostgreSQL (database {@code test}, {@code HISTORY_TEST_PG_URL} to move it),
 * dropped afterwards so test runs never see each other.
 */
interface TestDatabase extends AutoCloseable {
    HistorySettings settings();

    @Override
    void close();

    static TestDatabase h2() {
        HistorySettings settings = HistorySettings.inMemory("history-test-" + UUID.randomUUID());
        return new TestDatabase() {
            @Override
            public HistorySettings settings() {
                return settings;
            }

            @Override
            public void close() {
                // DB_CLOSE_DELAY=-1 keeps an in-memory database after its last connection: drop what it holds.
                try (Connection c = DriverManager.getConnection(settings.url()); Statement s = c.createStatement()) {
                    s.execute("DROP ALL OBJECTS");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    static TestDatabase postgres() {
        String base = Optional.ofNullable(System.getenv("HISTORY_TEST_PG_URL")).orElse("jdbc:postgresql://127.0.0.1:5432/test");
        String schema = "history_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(base, "CREATE SCHEMA " + schema);
        HistorySettings settings = new HistorySettings(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                                                       Optional.of("postgres"), Optional.empty(), 4);
        return new TestDatabase() {
            @Override
            public HistorySettings settings() {
                return settings;
            }

            @Override
            public void close() {
                execute(base, "DROP SCHEMA " + schema + " CASCADE");
            }
        };
    }

    static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
