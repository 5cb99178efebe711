package dev.drover.migrators.pgrotation;

import dev.drover.contract.run.StepEvent;
import dev.drover.migrator.StepContext;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The machine's PostgreSQL (database {@code test}, {@code PG_ROTATION_TEST_URL} to move it), under a schema and a
 * role prefix of the test's own, dropped afterwards: parallel test runs never meet.
 */
final class TestPostgres implements AutoCloseable {
    static final String URL = System.getenv().getOrDefault("PG_ROTATION_TEST_URL", "jdbc:postgresql://127.0.0.1:5432/test");

    final String prefix = "drt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    final PgRotationSettings settings;

    TestPostgres(Path secrets) {
        settings = new PgRotationSettings(new Database(URL, "postgres", ""), prefix, PgRotationSettings.DIRECTORY, secrets,
                                          Duration.ofMinutes(15), Duration.ofSeconds(1));
    }

    Connection admin() throws SQLException {
        return settings.database().connect();
    }

    /** A session signed in as {@code role} (the machine trusts local connections, so no password is checked). */
    Connection sessionAs(String role) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", role);
        return DriverManager.getConnection(URL, properties);
    }

    /** Whether the role exists, and whether it may sign in. */
    Map<String, Boolean> roles() throws SQLException {
        try (Connection connection = admin(); PreparedStatement query = connection.prepareStatement(
                "select rolname, rolcanlogin from pg_roles where left(rolname, ?) = ?")) {
            query.setInt(1, prefix.length() + 1);
            query.setString(2, prefix + "_");
            java.util.TreeMap<String, Boolean> roles = new java.util.TreeMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    roles.put(rows.getString(1), rows.getBoolean(2));
                }
            }
            return roles;
        }
    }

    /** The role's SCRAM verifier (superuser only): shows a password was set, and whether it changed. */
    String verifier(String role) throws SQLException {
        try (Connection connection = admin(); PreparedStatement query = connection.prepareStatement(
                "select rolpassword from pg_authid where rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /**
     * The SCRAM verifier of {@code password} with the salt and iterations of {@code verifier}: equal to it exactly when
     * the password is the one PostgreSQL checks (the machine's trust authentication checks none, so this does).
     */
    static String scramOf(String password, String verifier) {
        String[] parts = verifier.split("[$:]");  // SCRAM-SHA-256, iterations, salt, stored key, server key
        return org.postgresql.util.PasswordUtil.encodeScramSha256(password.toCharArray(), Integer.parseInt(parts[1]),
                                                                 java.util.Base64.getDecoder().decode(parts[2]));
    }

    static StepContext step(String type, String service, Map<String, String> config) {
        return new StepContext(PgRotationMigration.ID, "run-1", new StepEvent.StepRef(type, type, config),
                               new StepEvent.CandidateRef(service, "service", Map.of(), List.of()), Map.of());
    }

    @Override
    public void close() throws SQLException {
        PgRotationDemo.drop(settings, prefix);
    }
}
