package dev.drover.migrators.pgrotation;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The local stack's demo: three services marked for rotation (roles {@code <prefix>_<service>} in a schema of their
 * own), each given a first credential in a mounted-Secret folder, and a {@link DemoService} per service that uses
 * it. Seeding is idempotent: a restarted stack finds its roles, rows and secrets as it left them.
 */
public final class PgRotationDemo implements AutoCloseable {
    /** The demo services and their teams. */
    public static final List<String[]> SERVICES = List.of(new String[] {"billing", "payments"},
                                                          new String[] {"checkout", "payments"},
                                                          new String[] {"search", "discovery"});

    private final List<DemoService> services;

    private PgRotationDemo(List<DemoService> services) {
        this.services = services;
    }

    /**
     * Seeds the demo (schema {@code settings.schema()}, roles named from {@code rolePrefix}) and starts its services.
     *
     * @throws SQLException when PostgreSQL cannot be reached or refuses: the caller runs without the demo
     */
    public static PgRotationDemo start(PgRotationSettings settings, String rolePrefix, MountedSecretDirectory secrets)
            throws Exception {
        Targets targets = new Targets(settings.schema());
        List<Target> seeded = new ArrayList<>();
        try (Connection connection = settings.database().connect()) {
            targets.createTable(connection);
            String database = currentDatabase(connection);
            for (String[] service : SERVICES) {
                String group = rolePrefix + "_" + service[0];
                Target target = new Target(service[0], group, group, service[1], database, "", service[0]);
                createGroup(connection, group, settings.schema());
                targets.mark(connection, target);
                seeded.add(targets.find(connection, service[0]).orElseThrow());
            }
            for (Target target : seeded) {
                firstCredential(connection, target, secrets);
            }
        }
        List<DemoService> running = new ArrayList<>();
        for (Target target : seeded) {
            running.add(new DemoService(target.service(), secrets.folder(target), settings.database().url(), Duration.ofMillis(500)));
        }
        return new PgRotationDemo(running);
    }

    public List<DemoService> services() {
        return List.copyOf(services);
    }

    /** Removes what {@link #start} seeded: the schema and every role of the prefix (tests). */
    public static void drop(PgRotationSettings settings, String rolePrefix) throws SQLException {
        try (Connection connection = settings.database().connect(); Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists " + Sql.identifier(settings.schema()) + " cascade");
            List<String> roles = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "select rolname from pg_roles where left(rolname, ?) = ? order by rolcanlogin desc")) {
                query.setInt(1, rolePrefix.length() + 1);
                query.setString(2, rolePrefix + "_");
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        roles.add(rows.getString(1));
                    }
                }
            }
            for (String role : roles) {
                statement.execute("drop owned by " + Sql.identifier(role));
                statement.execute("drop role " + Sql.identifier(role));
            }
        }
    }

    private static String currentDatabase(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("select current_database()")) {
            row.next();
            return row.getString(1);
        }
    }

    private static void createGroup(Connection connection, String group, String schema) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            exists.setString(1, group);
            try (ResultSet row = exists.executeQuery()) {
                if (row.next()) {
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("create role " + Sql.identifier(group) + " nologin");
            statement.execute("grant usage on schema " + Sql.identifier(schema) + " to " + Sql.identifier(group));
        }
    }

    /** Generation 1, published, unless the service has a credential already (a restarted stack). */
    private static void firstCredential(Connection connection, Target target, MountedSecretDirectory secrets) throws Exception {
        List<Credentials.Generation> generations = Credentials.generations(connection, target);
        if (secrets.publishedRole(target).isPresent() && !generations.isEmpty()) {
            return;
        }
        String role = generations.isEmpty() ? target.loginRole(1) : generations.getLast().role();
        char[] password = Passwords.generate();
        try {
            Credentials.begin(connection, target);
            if (generations.isEmpty()) {
                Credentials.create(connection, target, role);
            }
            Credentials.setPassword(connection, role, password);
            Credentials.markPublished(connection, role, Instant.now());
            connection.commit();
            secrets.publish(target, role, password);
        } finally {
            Arrays.fill(password, '\0');
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void close() {
        services.forEach(DemoService::close);
    }
}
