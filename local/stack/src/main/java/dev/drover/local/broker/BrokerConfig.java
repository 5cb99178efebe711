package dev.drover.local.broker;

import redis.clients.jedis.UnifiedJedis;

import java.util.List;
import java.util.Objects;

/**
 * How the broker stand-in runs. Start from {@link #defaults(UnifiedJedis, String)} and change what differs.
 *
 * @param redis        where the broker keeps events; each trigger holds one pooled connection while it
 *                     waits for events, so size the pool for triggers + ingress
 * @param keyPrefix    prefix of every key the broker writes (see README)
 * @param host         interface the ingress binds to
 * @param port         ingress port; 0 = any free port
 * @param namespace    the broker's namespace, the first segment of the ingress path
 * @param name         the broker's name, the second segment
 * @param triggers     triggers from the start; more can be added later
 * @param delivery     the broker's delivery spec, for triggers without their own
 * @param consumerName this process's consumer name in every trigger's group
 */
public record BrokerConfig(UnifiedJedis redis, String keyPrefix, String host, int port, String namespace, String name,
                           List<Trigger> triggers, DeliverySpec delivery, String consumerName) {
    public BrokerConfig {
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(host, "host");
        segment(namespace, "namespace");
        segment(name, "name");
        triggers = List.copyOf(triggers);
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(consumerName, "consumerName");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535");
        }
    }

    /** Broker {@code default} in namespace {@code default} on localhost, any free port, {@link DeliverySpec#defaults()}. */
    public static BrokerConfig defaults(UnifiedJedis redis, String keyPrefix) {
        return new BrokerConfig(redis, keyPrefix, "127.0.0.1", 0, "default", "default", List.of(),
                                DeliverySpec.defaults(), "drover-local");
    }

    public BrokerConfig withPort(int newPort) {
        return new BrokerConfig(redis, keyPrefix, host, newPort, namespace, name, triggers, delivery, consumerName);
    }

    public BrokerConfig withHost(String newHost) {
        return new BrokerConfig(redis, keyPrefix, newHost, port, namespace, name, triggers, delivery, consumerName);
    }

    public BrokerConfig withBroker(String newNamespace, String newName) {
        return new BrokerConfig(redis, keyPrefix, host, port, newNamespace, newName, triggers, delivery, consumerName);
    }

    public BrokerConfig withTriggers(List<Trigger> newTriggers) {
        return new BrokerConfig(redis, keyPrefix, host, port, namespace, name, newTriggers, delivery, consumerName);
    }

    public BrokerConfig withDelivery(DeliverySpec newDelivery) {
        return new BrokerConfig(redis, keyPrefix, host, port, namespace, name, triggers, newDelivery, consumerName);
    }

    public BrokerConfig withConsumerName(String newConsumerName) {
        return new BrokerConfig(redis, keyPrefix, host, port, namespace, name, triggers, delivery, newConsumerName);
    }

    /** Kubernetes names: lower-case letters, digits and inner '-'; they become a URL path segment as they are. */
    private static void segment(String value, String what) {
        Objects.requireNonNull(value, what);
        if (!value.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new IllegalArgumentException(what + " must be a Kubernetes name (lower-case letters, digits, '-'): '" + value + "'");
        }
    }
}
