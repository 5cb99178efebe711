package dev.drover.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A HikariCP pool as helidon-dbclient sees it; its DataSource also serves the schema migrations. Helidon's own Hikari
 * module (helidon-dbclient-hikari 4.5.0) is not served by Maven Central, so this is the small pool it would have been.
 * {@link History} builds it from its settings and hands it to the client's builder: looked up through a Helidon config
 * and the ServiceLoader, as Helidon's modules are, it made every start build that config, about 60 classes more to load
 * (issue 16, ADR 0017).
 */
public final class HikariPool implements CloseableJdbcConnectionPool {
    private final HikariDataSource dataSource;
    private final String name;
    private final String dbType;

    private HikariPool(HikariDataSource dataSource, String name, String dbType) {
        this.dataSource = dataSource;
        this.name = name;
        this.dbType = dbType;
    }

    /**
     * A pool on {@code url} ({@link History#durable} already applied).
     *
     * @param lazy a reader that must start and serve while the database is down: no connection at start
     */
    static HikariPool create(HistorySettings settings, String url, boolean lazy) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("drover-history");
        hikari.setJdbcUrl(url);
        settings.user().ifPresent(hikari::setUsername);
        settings.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(settings.poolSize());
        // Most function processes write a few events a minute: keep one connection warm, open more on demand.
        hikari.setMinimumIdle(1);
        if (lazy) {
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
        return new HikariPool(new HikariDataSource(hikari), "drover-history", dbType(url));
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
