package dev.drover.local;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisURIHelper;

import java.net.URI;
import java.util.UUID;

/**
 * The machine's real Redis ({@code REDIS_URL}, default 127.0.0.1:6379) under a key prefix of one test
 * class's own; {@link #close()} deletes every key under it.
 */
public final class TestRedis implements AutoCloseable {
    private final RedisClient client;
    private final String prefix;

    private TestRedis(RedisClient client, String prefix) {
        this.client = client;
        this.prefix = prefix;
    }

    public static TestRedis create() {
        URI url = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        // Every running subscription or trigger holds a connection while it blocks; leave room for them.
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        RedisClient client = RedisClient.builder()
                .hostAndPort(JedisURIHelper.getHostAndPort(url))
                .clientConfig(DefaultJedisClientConfig.builder(url).build())
                .poolConfig(pool)
                .build();
        return new TestRedis(client, "drover-test-local-" + UUID.randomUUID() + ":");
    }

    public RedisClient client() {
        return client;
    }

    public String prefix() {
        return prefix;
    }

    public long keyCount() {
        long count = 0;
        ScanParams match = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = client.scan(cursor, match);
            count += page.getResult().size();
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return count;
    }

    /** Deletes every key under the prefix, then closes the client. */
    @Override
    public void close() {
        ScanParams match = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = client.scan(cursor, match);
            if (!page.getResult().isEmpty()) {
                client.unlink(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        client.close();
    }
}
