package dev.drover.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;

import java.sql.Connection;
import java.sql.SQLException;

/** A HikariCP pool as helidon-dbclient sees it; its DataSource also serves the schema migrations. */
public final class HikariPool implements CloseableJdbcConnectionPool {
    private final HikariDataSource dataSource;
    private final String name;
    private final String dbType;

    private HikariPool(HikariDataSource dataSource, String name, String dbType) {
        this.dataSource = dataSource;
        this.name = name;
        this.dbType = dbType;
    }

    static HikariPool create(Config config, String name) {
        String url = config.get("url").asString()
                .orElseThrow(() -> new DbClientException("the history database needs a JDBC url"));
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name == null || name.isBlank() ? "drover-history" : "drover-" + name);
        hikari.setJdbcUrl(url);
        config.get("username").asString().ifPresent(hikari::setUsername);
        config.get("password").asString().ifPresent(hikari::setPassword);
        int size = config.get("pool-size").asInt().orElse(8);
        hikari.setMaximumPoolSize(size);
        // Most function processes write a few events a minute: keep one connection warm, open more on demand.
        hikari.setMinimumIdle(1);
        if (config.get("lazy").asBoolean().orElse(false)) {
            // A reader that must start and serve while the database is down (ADR 0008): no connection at start,
            // and a request waits at most 1 s for one before it answers 503.
            hikari.setInitializationFailTimeout(-1);
            hikari.setMinimumIdle(0);
            hikari.setConnectionTimeout(1_000);
        } else {
            // Fail fast at startup when the database is unreachable, instead of on the first event.
            hikari.setInitializationFailTimeout(10_000);
            hikari.setConnectionTimeout(5_000);
        }
        return new HikariPool(new HikariDataSource(hikari), name, dbType(url));
    }

    /** "jdbc:postgresql:..." is postgresql, "jdbc:h2:..." h2. */
    private static String dbType(String url) {
        String[] parts = url.split(":", 3);
        return parts.length >= 2 ? parts[1] : DEFAULT_DB_TYPE;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("no connection to the history database: " + e.getMessage(), e);
        }
    }

    @Override
    public String dbType() {
        return dbType;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "hikari";
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
