package dev.drover.history;

import io.helidon.config.Config;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;
import io.helidon.dbclient.jdbc.spi.JdbcConnectionPoolProvider;

/**
 * The connection pool helidon-dbclient-jdbc looks up with the ServiceLoader. Helidon's own Hikari
 * module (helidon-dbclient-hikari 4.5.0) is not served by Maven Central, so this is the small
 * provider it would have been. Registered in META-INF/services.
 * <p>
 * Reads the {@code connection} node: {@code url}, {@code username}, {@code password}, and
 * {@code pool-size} (default 8).
 */
public final class HikariPoolProvider implements JdbcConnectionPoolProvider {
    @Override
    public String configKey() {
        return "hikari";
    }

    @Override
    public JdbcConnectionPool create(Config config, String name) {
        return HikariPool.create(config, name);
    }
}
