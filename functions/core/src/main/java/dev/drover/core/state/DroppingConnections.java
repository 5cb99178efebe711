package dev.drover.core.state;

import org.apache.commons.pool2.PooledObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.util.Pool;

/**
 * Makes the pool's connections, and drops its idle ones when one breaks. A connection breaks when Redis goes away
 * (a restart, a failover, a proxy that closed it); the idle ones were opened to the same server and are as dead, but
 * the pool keeps up to {@link RedisState#POOL_SIZE} of them and finds each out only when a command fails on it, one
 * 503 {@code state_unavailable} per idle connection after a Redis restart (or until the evictor's next test, 30 s).
 * Dropped at the first broken one, the next commands open connections to the server that is there now.
 */
final class DroppingConnections extends ConnectionFactory {
    private volatile Pool<Connection> pool;

    DroppingConnections(HostAndPort server, JedisClientConfig config) {
        super(server, config);
    }

    /** The pool whose idle connections this factory drops; set once, after the pool is made around this factory. */
    void dropIdleOf(Pool<Connection> pool) {
        this.pool = pool;
    }

    @Override
    public void destroyObject(PooledObject<Connection> connection) throws Exception {
        super.destroyObject(connection);
        Pool<Connection> owner = pool;
        if (owner != null && connection.getObject().isBroken()) {
            owner.clear(); // destroys the idle ones only; those in use break on their own, if they are dead too
        }
    }
}
