package dev.drover.migrators.pgrotation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The migrator's admin connection to the PostgreSQL cluster whose credentials it rotates: a role that may create
 * and drop roles and grant the group roles ({@code CREATEROLE} and {@code ADMIN OPTION} on each group role, or a
 * superuser). A step opens one connection and closes it: steps are few and far between.
 */
public record Database(String url, String user, String password) {
    public Database {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("PG_ROTATION_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), got '"
                                                       + url + "'");
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (!user.isEmpty()) {
            properties.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "drover-pg-credential-rotation");
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, properties);
    }

    /** Without the password: settings may end up in a log. */
    @Override
    public String toString() {
        return "Database[url=" + url.replaceAll("(?i)password=[^&]*", "password=***") + ", user=" + user + "]";
    }
}
