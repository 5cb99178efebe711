package dev.drover.core.function;

import dev.drover.core.state.RenderedReads;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a function process reads from its environment, with the defaults that make the local
 * stack work without any of it.
 *
 * @param port          HTTP port ({@code DROVER_PORT}, default 8080)
 * @param redisUrl      Redis ({@code REDIS_URL}, default redis://127.0.0.1:6379)
 * @param redisPrefix   prefix of every Redis key ({@code DROVER_REDIS_PREFIX}, default "drover:")
 * @param maxBodyBytes  largest accepted request body ({@code DROVER_MAX_BODY_BYTES}, default 10 MiB)
 * @param pubsub        Dapr pub/sub component name ({@code DROVER_PUBSUB}, default "pubsub")
 * @param function      the function to serve ({@code FUNCTION}), or several, comma-separated ({@link #functions}); empty
 *                      serves all of them
 * @param metrics       whether to serve {@code /observe/metrics} ({@code DROVER_METRICS}, {@code on} or {@code off});
 *                      empty when unset, and {@link FunctionServer} decides by what the process serves
 * @param readCacheBytes the most bytes of rendered reads a process keeps ({@code DROVER_READ_CACHE_MIB}, in MiB,
 *                      default 16; 0 keeps none), see {@link dev.drover.core.state.RenderedReads}
 * @param logReads      whether a read that succeeded gets its request line at INFO like any other request
 *                      ({@code DROVER_LOG_READS}, {@code on} or {@code off}, default off: at DEBUG), see
 *                      {@link dev.drover.core.http.RequestLog}
 */
public record Settings(int port, URI redisUrl, String redisPrefix, long maxBodyBytes, String pubsub,
                       Optional<String> function, Optional<Boolean> metrics, long readCacheBytes, boolean logReads) {
    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

    /**
     * Reads the settings; a value that does not parse is an {@link IllegalArgumentException} naming the variable.
     */
    public static Settings fromEnvironment(Map<String, String> env) {
        return new Settings(number(env, "DROVER_PORT", 8080, 0, 65535).intValue(),
                            redisUrl(env.getOrDefault("REDIS_URL", DEFAULT_REDIS_URL)),
                            env.getOrDefault("DROVER_REDIS_PREFIX", "drover:"),
                            number(env, "DROVER_MAX_BODY_BYTES", 10L * 1024 * 1024, 1024, Integer.MAX_VALUE),
                            env.getOrDefault(DaprSubscriptions.PUBSUB_ENV, DaprSubscriptions.DEFAULT_PUBSUB),
                            function(env.get("FUNCTION")),
                            onOrOff(env, "DROVER_METRICS"),
                            number(env, "DROVER_READ_CACHE_MIB", RenderedReads.DEFAULT_MAX_BYTES >> 20, 0, 4096) << 20,
                            onOrOff(env, "DROVER_LOG_READS").orElse(false));
    }

    /**
     * The functions to serve, in {@code FUNCTION}'s order: one on Knative (a Service each), several where one process
     * serves a few (the AOT training of an image's caches, docs/adr/0017-cold-start.md); empty when all are served.
     */
    public java.util.List<String> functions() {
        return function.map(f -> java.util.Arrays.stream(f.split(",")).map(String::trim).toList()).orElse(java.util.List.of());
    }

    private static Optional<String> function(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        java.util.List<String> names = java.util.Arrays.stream(value.split(",", -1)).map(String::trim).toList();
        if (names.contains("") || names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("FUNCTION=" + value + " is not a function's name nor a list of distinct names "
                    + "separated by commas");
        }
        return Optional.of(String.join(",", names));
    }

    private static Optional<Boolean> onOrOff(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return switch (value.trim()) {
            case "on" -> Optional.of(true);
            case "off" -> Optional.of(false);
            default -> throw new IllegalArgumentException(name + "=" + value + " is neither on nor off");
        };
    }

    private static Long number(Map<String, String> env, String name, long fallback, long min, long max) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException(name + "=" + value + " is not a whole number from " + min + " to " + max);
    }

    private static URI redisUrl(String value) {
        try {
            URI uri = URI.create(value);
            if ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) {
                return uri;
            }
        } catch (IllegalArgumentException ignored) {
            // answered below
        }
        throw new IllegalArgumentException("REDIS_URL=" + value + " is not a redis:// or rediss:// URL");
    }

    public Settings withPort(int newPort) {
        return new Settings(newPort, redisUrl, redisPrefix, maxBodyBytes, pubsub, function, metrics, readCacheBytes, logReads);
    }
}
