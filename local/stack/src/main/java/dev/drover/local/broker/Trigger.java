package dev.drover.local.broker;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Knative Trigger: events of the broker whose attributes match {@code filter} are pushed to
 * {@code subscriber}. The filter is Knative's {@code filter.attributes}: every entry must match exactly,
 * extension attributes included (e.g. {@code migratorapp}); an empty value matches any value of an
 * attribute the event has.
 *
 * @param name       the trigger's name; also its consumer group, so a restarted broker resumes where it was
 * @param filter     attribute name to value
 * @param subscriber where matching events are POSTed, in binary mode
 * @param delivery   this trigger's delivery spec; empty takes the broker's
 */
public record Trigger(String name, Map<String, String> filter, URI subscriber, Optional<DeliverySpec> delivery) {
    public Trigger {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a trigger needs a name");
        }
        filter = Map.copyOf(filter);
        Objects.requireNonNull(subscriber, "subscriber");
        if (!"http".equals(subscriber.getScheme()) && !"https".equals(subscriber.getScheme())) {
            throw new IllegalArgumentException("subscriber must be an http(s) URL: " + subscriber);
        }
        Objects.requireNonNull(delivery, "delivery");
    }

    /** A trigger with the broker's delivery spec. */
    public Trigger(String name, Map<String, String> filter, URI subscriber) {
        this(name, filter, subscriber, Optional.empty());
    }
}
