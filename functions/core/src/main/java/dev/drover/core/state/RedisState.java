package dev.drover.core.state;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisURIHelper;

import java.net.URI;
import java.time.Clock;

/** The connection to Redis and the stores on top of it; one per process. */
public final class RedisState implements AutoCloseable {
    private final UnifiedJedis redis;
    private final Keys keys;
    private final MigrationStore migrations;
    private final CandidateStore candidates;
    private final RunStore runs;
    private final AnnouncementOutcomes announcements;
    private final RenderedReads reads;
    /** Where Redis is, for connections of their own (a subscriber's); null when built around a given client. */
    private final URI url;

    public RedisState(UnifiedJedis redis, String prefix, Clock clock) {
        this(redis, prefix, clock, null, LuaScript.RESOURCES, RenderedReads.DEFAULT_MAX_BYTES);
    }

    /** With the stores' scripts from {@code scripts}: for a test that runs the rules against a broken script. */
    RedisState(UnifiedJedis redis, String prefix, Clock clock, LuaScript.Source scripts) {
        this(redis, prefix, clock, null, scripts, RenderedReads.DEFAULT_MAX_BYTES);
    }

    private RedisState(UnifiedJedis redis, String prefix, Clock clock, URI url, LuaScript.Source scripts, long readCacheBytes) {
        this.url = url;
        this.redis = redis;
        this.keys = new Keys(prefix);
        this.migrations = new MigrationStore(redis, keys, clock, scripts);
        this.candidates = new CandidateStore(redis, keys, clock, scripts);
        this.runs = new RunStore(redis, keys, clock, scripts);
        this.announcements = new AnnouncementOutcomes(redis, keys);
        this.reads = new RenderedReads(readCacheBytes);
    }

    /** Connections per process: see {@link #client}. */
    static final int POOL_SIZE = 64;

    public static RedisState connect(URI url, String prefix) {
        return connect(url, prefix, RenderedReads.DEFAULT_MAX_BYTES);
    }

    /** @param readCacheBytes the most bytes of rendered responses this process keeps ({@link #reads()}); 0 keeps none */
    public static RedisState connect(URI url, String prefix, long readCacheBytes) {
        return new RedisState(client(url), prefix, Clock.systemUTC(), url, LuaScript.RESOURCES, readCacheBytes);
    }

    /**
     * {@code RedisClient.create(url)}, less the pool's JMX registration: commons-pool registers every pool as an MBean
     * by default, which starts the platform MBean server, about a tenth of a function's cold start, for beans nobody
     * reads (the functions' metrics are Prometheus's, at /observe/metrics).
     */
    static RedisClient client(URI url) {
        if (!JedisURIHelper.isValid(url)) {
            throw new IllegalArgumentException("Invalid Redis URI");
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setJmxEnabled(false);
        // A function serves up to 200 requests at once (containerConcurrency), each on a virtual thread that holds a
        // connection for its commands. Jedis's default of 8 made them queue for the pool: at 32 concurrent reads,
        // borrowing a connection was a fifth of a read's time (issue 16). Idle ones are kept, not closed and reopened.
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        DroppingConnections connections = new DroppingConnections(JedisURIHelper.getHostAndPort(url),
                                                                  DefaultJedisClientConfig.builder(url).build());
        PooledConnectionProvider provider = new PooledConnectionProvider(connections, pool);
        connections.dropIdleOf(provider.getPool());
        return RedisClient.builder().connectionProvider(provider).build();
    }

    /**
     * A connection of its own, outside the pool, named {@code clientName} in CLIENT LIST: for a subscriber, which holds
     * its connection for as long as it listens. The caller closes it.
     */
    public Connection newConnection(String clientName) {
        if (url == null) {
            throw new IllegalStateException("this state was built around a client, not a URL: it cannot open connections");
        }
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .clientName(clientName)
                .user(JedisURIHelper.getUser(url))
                .password(JedisURIHelper.getPassword(url))
                .ssl(JedisURIHelper.isRedisSSLScheme(url));
        if (JedisURIHelper.hasDbIndex(url)) {
            config.database(JedisURIHelper.getDBIndex(url));
        }
        return new Connection(JedisURIHelper.getHostAndPort(url), config.build());
    }

    /** Responses rendered from a migration's state, kept while it is unchanged: one per process. */
    public RenderedReads reads() {
        return reads;
    }

    public MigrationStore migrations() {
        return migrations;
    }

    public CandidateStore candidates() {
        return candidates;
    }

    public AnnouncementOutcomes announcements() {
        return announcements;
    }

    public RunStore runs() {
        return runs;
    }

    public Keys keys() {
        return keys;
    }

    public UnifiedJedis redis() {
        return redis;
    }

    /**
     * Deletes every key under this state's prefix (SCAN + UNLINK, so Redis is never blocked for long)
     * and nothing else. For tests, benchmarks and tearing down a throwaway environment.
     *
     * @return how many keys were deleted
     */
    public long deleteAllKeys() {
        ScanParams match = new ScanParams().match(keys.prefix() + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        long deleted = 0;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            if (!page.getResult().isEmpty()) {
                deleted += redis.unlink(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return deleted;
    }

    /** Readiness: a function without its state store cannot answer anything useful. */
    public HealthCheck readiness() {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return "redis";
            }

            @Override
            public HealthCheckResponse call() {
                try {
                    return HealthCheckResponse.builder().status("PONG".equals(redis.ping())).build();
                } catch (RuntimeException e) {
                    return HealthCheckResponse.builder().status(false).detail("error", String.valueOf(e.getMessage())).build();
                }
            }
        };
    }

    @Override
    public void close() {
        redis.close();
    }
}
