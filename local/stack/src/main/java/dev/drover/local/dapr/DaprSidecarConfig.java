package dev.drover.local.dapr;

import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the sidecar stand-in runs. Start from {@link #defaults(UnifiedJedis, String)} and change what differs.
 *
 * @param redis               where topics live; each running subscription holds one pooled connection
 *                            while it waits for messages, so size the pool for subscriptions + publishers
 * @param keyPrefix           prefix of every key the stand-in writes (see README)
 * @param host                interface both APIs bind to
 * @param grpcPort            gRPC API port (Dapr's default 50001, what the SDKs use without DAPR_GRPC_PORT); 0 = any free port
 * @param httpPort            HTTP API port (Dapr's default 3500); 0 = any free port
 * @param pubsubNames         the pub/sub components that exist; publishing to another is refused as Dapr refuses it
 * @param apps                apps to serve from the start; more can be added later
 * @param redeliverInterval   how long an unacknowledged event waits before it is delivered again
 * @param maxDeliveries       deliveries of one event before it is dead-lettered
 * @param subscriptionRefresh how often each app's {@code /dapr/subscribe} is read again
 * @param deliveryTimeout     how long one delivery may take before it counts as failed
 * @param source              the envelope's CloudEvent {@code source} (the real sidecar uses the publisher's app id)
 * @param consumerName        this process's consumer name in every group; give each process its own when
 *                            several share one key prefix
 * @param appApiToken         sent as header {@code dapr-api-token} on every call to an app ({@code /dapr/subscribe},
 *                            deliveries), as daprd sends its {@code APP_API_TOKEN}, so an app can tell the sidecar's
 *                            calls from anyone else's; empty sends none
 * @param apiToken            required as header / gRPC metadata {@code dapr-api-token} on every call to the sidecar's
 *                            APIs except {@code GET /v1.0/healthz} and {@code /v1.0/healthz/outbound}, as daprd requires
 *                            its {@code DAPR_API_TOKEN}; empty requires none
 */
public record DaprSidecarConfig(UnifiedJedis redis, String keyPrefix, String host, int grpcPort, int httpPort,
                                Set<String> pubsubNames, List<DaprApp> apps, Duration redeliverInterval,
                                int maxDeliveries, Duration subscriptionRefresh, Duration deliveryTimeout,
                                String source, String consumerName, Optional<String> appApiToken,
                                Optional<String> apiToken) {
    public static final int DEFAULT_GRPC_PORT = 50001;
    public static final int DEFAULT_HTTP_PORT = 3500;

    public DaprSidecarConfig {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(host, "host");
        pubsubNames = Set.copyOf(pubsubNames);
        apps = List.copyOf(apps);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(consumerName, "consumerName");
        if (grpcPort < 0 || grpcPort > 65535 || httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("ports must be from 0 to 65535");
        }
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("maxDeliveries must be at least 1");
        }
        positive(redeliverInterval, "redeliverInterval");
        positive(subscriptionRefresh, "subscriptionRefresh");
        positive(deliveryTimeout, "deliveryTimeout");
        token(appApiToken, "appApiToken");
        token(apiToken, "apiToken");
    }

    /**
     * Dapr's ports on localhost, one component named {@code pubsub}, redelivery every 2 s up to 20 times,
     * subscriptions re-read every 30 s.
     */
    public static DaprSidecarConfig defaults(UnifiedJedis redis, String keyPrefix) {
        return new DaprSidecarConfig(redis, keyPrefix, "127.0.0.1", DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT,
                                     Set.of("pubsub"), List.of(), Duration.ofSeconds(2), 20, Duration.ofSeconds(30),
                                     Duration.ofSeconds(60), "drover-local", "drover-local", Optional.empty(), Optional.empty());
    }

    public DaprSidecarConfig withPorts(int newGrpcPort, int newHttpPort) {
        return new DaprSidecarConfig(redis, keyPrefix, host, newGrpcPort, newHttpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, source, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withHost(String newHost) {
        return new DaprSidecarConfig(redis, keyPrefix, newHost, grpcPort, httpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, source, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withPubsubNames(Set<String> newPubsubNames) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, newPubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, source, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withApps(List<DaprApp> newApps) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, newApps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, source, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withRedelivery(Duration newRedeliverInterval, int newMaxDeliveries) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, apps,
                                     newRedeliverInterval, newMaxDeliveries, subscriptionRefresh, deliveryTimeout, source, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withSubscriptionRefresh(Duration newSubscriptionRefresh) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, newSubscriptionRefresh, deliveryTimeout, source, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withDeliveryTimeout(Duration newDeliveryTimeout) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, newDeliveryTimeout, source, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withSource(String newSource) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, newSource, consumerName,
                                     appApiToken, apiToken);
    }

    public DaprSidecarConfig withConsumerName(String newConsumerName) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, source, newConsumerName,
                                     appApiToken, apiToken);
    }

    /** Sends {@code token} to the apps as {@code dapr-api-token} (daprd's {@code APP_API_TOKEN}). */
    public DaprSidecarConfig withAppApiToken(String token) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, source, consumerName,
                                     Optional.of(token), apiToken);
    }

    /** Requires {@code token} as {@code dapr-api-token} on the sidecar's APIs (daprd's {@code DAPR_API_TOKEN}). */
    public DaprSidecarConfig withApiToken(String token) {
        return new DaprSidecarConfig(redis, keyPrefix, host, grpcPort, httpPort, pubsubNames, apps,
                                     redeliverInterval, maxDeliveries, subscriptionRefresh, deliveryTimeout, source, consumerName,
                                     appApiToken, Optional.of(token));
    }

    /** Like the record's own, with the tokens left out: a config may end up in a log. */
    @Override
    public String toString() {
        return "DaprSidecarConfig[keyPrefix=%s, host=%s, grpcPort=%d, httpPort=%d, pubsubNames=%s, apps=%s, redeliverInterval=%s, maxDeliveries=%d, subscriptionRefresh=%s, deliveryTimeout=%s, source=%s, consumerName=%s, appApiToken=%s, apiToken=%s]"
                .formatted(keyPrefix, host, grpcPort, httpPort, pubsubNames, apps, redeliverInterval, maxDeliveries,
                           subscriptionRefresh, deliveryTimeout, source, consumerName,
                           appApiToken.isPresent() ? "(set)" : "(none)", apiToken.isPresent() ? "(set)" : "(none)");
    }

    /** A token travels as an HTTP header value: visible ASCII only, so it can never split or end a header. */
    private static void token(Optional<String> token, String name) {
        Objects.requireNonNull(token, name);
        token.ifPresent(value -> {
            if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException(name + " must be non-empty visible ASCII");
            }
        });
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
