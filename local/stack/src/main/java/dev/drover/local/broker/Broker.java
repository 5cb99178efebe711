package dev.drover.local.broker;

import dev.drover.local.stream.StreamConsumer;
import io.helidon.webserver.WebServer;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local stack's Knative Broker: an ingress that takes CloudEvents over HTTP and triggers that push
 * the matching ones to their subscribers in binary mode, with Knative's retry, backoff and dead-letter
 * rules. Events are kept in one Redis Stream; each trigger is a consumer group on it, so an event
 * accepted is delivered even if the broker restarts before it could.
 *
 * <p>A trigger sees the events accepted after it was added, as a new Knative Trigger does; triggers
 * given in the config exist before the ingress opens.
 */
public final class Broker implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Broker.class.getName());

    private final BrokerConfig config;
    private final BrokerKeys keys;
    private final HttpClient http;
    private final Map<String, Running> triggers = new LinkedHashMap<>();
    private WebServer web;
    private boolean closed;

    private record Running(Trigger trigger, StreamConsumer consumer) {
    }

    private Broker(BrokerConfig config) {
        this.config = config;
        this.keys = new BrokerKeys(config.keyPrefix(), config.namespace(), config.name());
        // HTTP/1.1 and no redirects, as Knative's dispatcher pushes.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public static Broker start(BrokerConfig config) {
        Broker broker = new Broker(config);
        config.triggers().forEach(broker::addTrigger);
        try {
            broker.web = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .featuresDiscoverServices(false)
                    .routing(routing -> routing.register(new Ingress(config.redis(), broker.keys, Clock.systemUTC())))
                    .build()
                    .start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOGGER.log(Level.INFO, "Knative Broker stand-in: ingress %s, %d trigger(s), events in %s"
                .formatted(broker.ingressUri(), config.triggers().size(), broker.keys.events()));
        return broker;
    }

    /** The bound ingress port. */
    public int port() {
        return web.port();
    }

    /** Where to POST events: {@code http://<host>:<port>/<namespace>/<broker>}, Knative's broker URL shape. */
    public URI ingressUri() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "localhost";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + Ingress.path(config.namespace(), config.name()));
    }

    /**
     * Adds a trigger, or replaces the one of the same name (its position in the stream is kept). It sees
     * every event accepted after this returns.
     */
    public synchronized void addTrigger(Trigger trigger) {
        addTrigger(trigger, null);
    }

    /**
     * As above; a trigger the broker has never had also sees the events accepted since {@code since} (null: none before
     * it was added), as a Trigger created with its subscriber sees what comes after: for a migrator that joins a running
     * stack after its announcement, whose first step events may already be on their way.
     */
    public synchronized void addTrigger(Trigger trigger, java.time.Instant since) {
        if (closed) {
            throw new IllegalStateException("the broker is closed");
        }
        Optional.ofNullable(triggers.remove(trigger.name())).ifPresent(old -> old.consumer().close());
        DeliverySpec delivery = trigger.delivery().orElse(config.delivery());
        StreamConsumer consumer = StreamConsumer.start(
                config.redis(),
                new StreamConsumer.Group(keys.events(), trigger.name(), config.consumerName(), StreamConsumer.Start.NEW_ENTRIES, since),
                delivery,
                new TriggerDelivery(http, trigger, delivery),
                new BrokerDeadLetters(config.redis(), keys, http, trigger, delivery),
                "trigger " + trigger.name() + " -> " + trigger.subscriber());
        triggers.put(trigger.name(), new Running(trigger, consumer));
        LOGGER.log(Level.INFO, "trigger %s: %s -> %s".formatted(trigger.name(), trigger.filter(), trigger.subscriber()));
    }

    /** Stops a trigger's deliveries; its consumer group stays, so adding it again resumes where it stopped. */
    public synchronized boolean removeTrigger(String name) {
        Running running = triggers.remove(name);
        if (running == null) {
            return false;
        }
        running.consumer().close();
        return true;
    }

    public synchronized List<Trigger> triggers() {
        return triggers.values().stream().map(Running::trigger).toList();
    }

    /** Stops the ingress, then the triggers; what was not delivered stays in Redis. */
    @Override
    public void close() {
        List<StreamConsumer> consumers;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            consumers = new ArrayList<>(triggers.values().stream().map(Running::consumer).toList());
            triggers.clear();
        }
        if (web != null) {
            web.stop();
        }
        StreamConsumer.closeAll(consumers);
        http.close();
    }
}
