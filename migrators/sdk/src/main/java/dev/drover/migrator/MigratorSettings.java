package dev.drover.migrator;

import dev.drover.core.model.Check;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * What a migrator reads from its environment, with defaults that work beside the local stack.
 *
 * @param port        HTTP port ({@code PORT}, which Knative sets, else {@code DROVER_PORT}; default 8080)
 * @param platformUrl the Drover API ({@code DROVER_API_URL}, default http://127.0.0.1:8080)
 * @param publicUrl   where the platform reaches this migrator, announced for dry-runs ({@code MIGRATOR_URL});
 *                    empty announces no dry-run
 * @param pubsub      the Dapr pub/sub component announcements go through ({@code DROVER_PUBSUB}, default "pubsub")
 * @param redisUrl    Redis for remembering executed step events across restarts and replicas ({@code REDIS_URL});
 *                    empty remembers them in memory only
 * @param bindHost    the interface the HTTP server listens on ({@code DROVER_BIND}): every interface by default, as a
 *                    container needs; {@code 127.0.0.1} on a developer machine, where the network must not reach it
 */
public record MigratorSettings(int port, URI platformUrl, String publicUrl, String pubsub, Optional<URI> redisUrl,
                               String bindHost) {
    /** Every interface: a container's port is only reachable as the platform exposes it. */
    public static final String ALL_INTERFACES = "0.0.0.0";
    public static final String LOOPBACK = "127.0.0.1";

    public MigratorSettings {
        publicUrl = Check.optionalHttpUrl("MIGRATOR_URL", publicUrl);
        if (bindHost == null || bindHost.isBlank()) {
            throw new IllegalArgumentException("DROVER_BIND must name an interface, e.g. 127.0.0.1 or 0.0.0.0");
        }
        bindHost = bindHost.trim();
    }

    public static MigratorSettings fromEnvironment(Map<String, String> env) {
        String port = env.getOrDefault("PORT", env.getOrDefault("DROVER_PORT", "8080"));
        int number;
        try {
            number = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT=" + port + " is not a port number");
        }
        return new MigratorSettings(number,
                                    URI.create(env.getOrDefault("DROVER_API_URL", "http://127.0.0.1:8080")),
                                    env.getOrDefault("MIGRATOR_URL", ""),
                                    env.getOrDefault("DROVER_PUBSUB", "pubsub"),
                                    Optional.ofNullable(env.get("REDIS_URL")).filter(s -> !s.isBlank()).map(URI::create),
                                    env.getOrDefault("DROVER_BIND", ALL_INTERFACES));
    }

    /** Beside a platform at {@code platformUrl}, on any free port of 127.0.0.1 only, remembering step events in memory. */
    public static MigratorSettings local(URI platformUrl) {
        return new MigratorSettings(0, platformUrl, "", "pubsub", Optional.empty(), LOOPBACK);
    }

    public MigratorSettings withPublicUrl(String url) {
        return new MigratorSettings(port, platformUrl, url, pubsub, redisUrl, bindHost);
    }

    public MigratorSettings withPort(int newPort) {
        return new MigratorSettings(newPort, platformUrl, publicUrl, pubsub, redisUrl, bindHost);
    }

    public MigratorSettings withBindHost(String newBindHost) {
        return new MigratorSettings(port, platformUrl, publicUrl, pubsub, redisUrl, newBindHost);
    }
}
