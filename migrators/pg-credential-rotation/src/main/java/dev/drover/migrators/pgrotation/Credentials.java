package dev.drover.migrators.pgrotation;

import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A target's login roles in the cluster, and the only SQL that changes them. Every change runs in a transaction
 * holding the target's advisory lock, so two executions of a step (a redelivery racing a recheck) never both create
 * a generation.
 */
final class Credentials {
    /** What {@link #markPublished} writes into a role's comment, and {@link #publishedAt} reads back. */
    private static final String PUBLISHED = "drover pg-credential-rotation: published ";

    /** One login role of a target. */
    record Generation(String role, int generation, boolean canLogin) {
    }

    private Credentials() {
    }

    /** The target's login roles (members of its group named {@code <prefix>_<n>}), oldest first. */
    static List<Generation> generations(Connection connection, Target target) throws SQLException {
        List<Generation> generations = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "select r.rolname, r.rolcanlogin from pg_roles r join pg_auth_members m on m.member = r.oid "
                        + "join pg_roles g on g.oid = m.roleid where g.rolname = ? and left(r.rolname, ?) = ?")) {
            statement.setString(1, target.groupRole());
            statement.setInt(2, target.loginPrefix().length() + 1);
            statement.setString(3, target.loginPrefix() + "_");
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    int generation = target.generationOf(rows.getString(1));
                    if (generation > 0) {
                        generations.add(new Generation(rows.getString(1), generation, rows.getBoolean(2)));
                    }
                }
            }
        }
        generations.sort(Comparator.comparingInt(Generation::generation));
        return generations;
    }

    /**
     * Checks that the group role exists and is what the pattern needs; a failure names what to fix. A superuser is
     * refused: rotating one would hand the service (and this migrator's mistakes) the whole cluster.
     */
    static void checkGroup(Connection connection, Target target) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select rolsuper from pg_roles where rolname = ?")) {
            statement.setString(1, target.groupRole());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new Refused("group role " + target.groupRole() + " of service " + target.service()
                                              + " does not exist; create it (CREATE ROLE " + target.groupRole()
                                              + " NOLOGIN) and grant it the service's privileges, or fix the row");
                }
                if (rows.getBoolean(1)) {
                    throw new Refused("group role " + target.groupRole() + " is a superuser; the migrator rotates no superuser credential");
                }
            }
        }
    }

    /** Begins a transaction that holds the target's lock until it ends. */
    static void begin(Connection connection, Target target) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
            statement.setString(1, "drover-pg-credential-rotation:" + target.groupRole());
            statement.execute();
        }
    }

    /** A login role without a password (none can sign in with it until it is published), member of the group. */
    static void create(Connection connection, Target target, String role) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create role " + Sql.identifier(role) + " login password null in role " + Sql.identifier(target.groupRole()));
        }
    }

    /**
     * Sets the role's password, computed into a SCRAM verifier on this side (the driver's {@code alterUserPassword}):
     * the password itself never reaches the server, so no statement log can hold it. The driver wipes the array it is
     * given, so it gets a copy: the caller still has to publish the password.
     */
    static void setPassword(Connection connection, String role, char[] password) throws SQLException {
        connection.unwrap(PGConnection.class).alterUserPassword(role, password.clone(), "scram-sha-256");
    }

    /** Records when the role was published, in its comment: the adoption deadline counts from there. */
    static void markPublished(Connection connection, String role, Instant at) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("comment on role " + Sql.identifier(role) + " is " + Sql.literal(PUBLISHED + at));
        }
    }

    static Optional<Instant> publishedAt(Connection connection, String role) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "select shobj_description(oid, 'pg_authid') from pg_roles where rolname = ?")) {
            statement.setString(1, role);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next() && rows.getString(1) != null && rows.getString(1).startsWith(PUBLISHED)) {
                    try {
                        return Optional.of(Instant.parse(rows.getString(1).substring(PUBLISHED.length())));
                    } catch (DateTimeParseException e) {
                        return Optional.empty();
                    }
                }
                return Optional.empty();
            }
        }
    }

    /** Open sessions per role, in the target's database (any database when it names none). */
    static Map<String, Integer> sessions(Connection connection, Target target, Collection<String> roles) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        roles.forEach(role -> counts.put(role, 0));
        if (roles.isEmpty()) {
            return counts;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "select usename, count(*) from pg_stat_activity where usename = any(?) and (? = '' or datname = ?) "
                        + "and backend_type = 'client backend' group by usename")) {
            statement.setArray(1, connection.createArrayOf("text", roles.toArray()));
            statement.setString(2, target.database());
            statement.setString(3, target.database());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return counts;
    }

    /** No new session may sign in with the role; the ones open stay open (nothing is terminated). */
    static void disableLogin(Connection connection, String role) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("alter role " + Sql.identifier(role) + " nologin");
        }
    }

    /**
     * Drops a login role. What it came to own (a table the service created while signed in as it) goes to the group
     * role, and privileges granted to it directly go with it, in the connected database; anything it holds in another
     * database makes the drop fail with PostgreSQL's own message naming it.
     */
    static void drop(Connection connection, Target target, String role) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("reassign owned by " + Sql.identifier(role) + " to " + Sql.identifier(target.groupRole()));
            statement.execute("drop owned by " + Sql.identifier(role));
            statement.execute("drop role " + Sql.identifier(role));
        }
    }

    /** Something an operator must fix before retrying; its message says what. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }
}
