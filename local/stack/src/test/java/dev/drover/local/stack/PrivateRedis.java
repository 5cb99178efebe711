package dev.drover.local.stack;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port, its data in a temporary folder with every write fsynced
 * to the append-only file: {@link #kill()} is a SIGKILL, {@link #start()} brings it back on the same data.
 */
final class PrivateRedis implements AutoCloseable {
    private final int port = FreePort.pick();
    private final Path dir;
    private Process process;

    PrivateRedis() {
        try {
            dir = Files.createTempDirectory("drover-redis-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    synchronized PrivateRedis start() {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                                                 "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always",
                                                 "--save", ""))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server: " + e.getMessage(), e);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            try (UnifiedJedis redis = RedisClient.create(url())) {
                if ("PONG".equals(redis.ping())) {
                    return this;
                }
            } catch (RuntimeException e) {
                // not listening yet, or loading its data
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("redis-server on " + port + " did not answer");
    }

    /** SIGKILL: no shutdown save, only what the append-only file holds survives. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void close() throws Exception {
        if (process != null && process.isAlive()) {
            kill();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
