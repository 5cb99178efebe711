package dev.drover.migrators.pgrotation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The marking table: a service is rotated while a row names it. The platform team owns the table (the migrator
 * only reads it); {@link #createTable} is its shape, for a new cluster, the demo and the tests.
 */
public final class Targets {
    private static final System.Logger LOGGER = System.getLogger(Targets.class.getName());
    private static final String COLUMNS = "service, group_role, login_prefix, team, database, namespace, secret_name";

    private final String table;

    /** @param schema the schema holding {@code targets} ({@code PG_ROTATION_SCHEMA}) */
    public Targets(String schema) {
        this.table = Sql.identifier(schema) + ".targets";
    }

    /** Creates the schema and its table when missing. */
    public void createTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("create schema if not exists " + table.substring(0, table.lastIndexOf('.')));
            statement.execute("create table if not exists " + table + " ("
                                      + "service text primary key, "          // the candidate id: a slug
                                      + "group_role text not null, "          // holds the privileges; NOLOGIN
                                      + "login_prefix text, "                 // login roles are <prefix>_<n>; default group_role
                                      + "team text, "
                                      + "database text, "                     // only sessions in it count as adoption
                                      + "namespace text, "                    // the service's namespace, where its Secret is
                                      + "secret_name text)");                 // default <service>-db
        }
    }

    /** Every valid row; an invalid one is skipped with a warning, so one typo does not hide the fleet. */
    public List<Target> all(Connection connection) throws SQLException {
        List<Target> targets = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select " + COLUMNS + " from " + table + " order by service")) {
            while (rows.next()) {
                try {
                    targets.add(target(rows));
                } catch (IllegalArgumentException e) {
                    LOGGER.log(System.Logger.Level.WARNING, "skipping " + table + " row '" + rows.getString(1) + "': " + e.getMessage());
                }
            }
        }
        return targets;
    }

    /** The row of one service, read again for every step: a step event's metadata is never trusted for role names. */
    public Optional<Target> find(Connection connection, String service) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("select " + COLUMNS + " from " + table + " where service = ?")) {
            statement.setString(1, service);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(target(rows)) : Optional.empty();
            }
        }
    }

    /** Marks a service (demo and tests; on a real cluster the platform team inserts its rows). */
    public void mark(Connection connection, Target target) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "insert into " + table + " (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?) on conflict (service) do nothing")) {
            statement.setString(1, target.service());
            statement.setString(2, target.groupRole());
            statement.setString(3, target.loginPrefix());
            statement.setString(4, target.team());
            statement.setString(5, target.database());
            statement.setString(6, target.namespace());
            statement.setString(7, target.secretName());
            statement.executeUpdate();
        }
    }

    String table() {
        return table;
    }

    private static Target target(ResultSet row) throws SQLException {
        String service = row.getString("service");
        if (service == null || !dev.drover.contract.model.Check.SLUG.matcher(service).matches() || service.length() > dev.drover.contract.model.Check.SLUG_MAX) {
            throw new IllegalArgumentException("service must be a slug (lower-case letters, digits and inner '-', '.', '_')");
        }
        return new Target(service, row.getString("group_role"), row.getString("login_prefix"), row.getString("team"),
                          row.getString("database"), row.getString("namespace"), row.getString("secret_name"));
    }
}
