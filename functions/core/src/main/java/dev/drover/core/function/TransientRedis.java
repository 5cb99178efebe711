package dev.drover.core.function;

import redis.clients.jedis.exceptions.JedisDataException;

import java.util.List;

/**
 * Redis errors that pass by themselves: a server still loading its data after a restart, a replica
 * without its master, a script running too long, a cluster resharding. Retrying later succeeds; every
 * other error reply is a bug.
 */
final class TransientRedis {
    private static final List<String> PREFIXES = List.of("LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN");

    private TransientRedis() {
    }

    static boolean is(JedisDataException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return PREFIXES.stream().anyMatch(message::startsWith);
    }
}
