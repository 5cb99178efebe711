package dev.drover.local.dapr;

import dev.drover.local.stream.StreamConsumer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The apps the sidecar serves and one stream consumer per subscription they declare. Each app's
 * {@code /dapr/subscribe} is read as soon as it is added, again every half second until it answers
 * (the local stack starts the sidecar before the apps), then every {@code subscriptionRefresh}, or on
 * demand. An app that stops answering keeps the subscriptions it last declared.
 */
final class Subscribers implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Subscribers.class.getName());
    private static final Duration DISCOVERY_RETRY = Duration.ofMillis(500);
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(5);

    private final DaprSidecarConfig config;
    private final DaprKeys keys;
    private final HttpClient http;
    private final Clock clock;
    private final SubscriptionDiscovery discovery;
    private final Map<String, DaprApp> apps = new ConcurrentHashMap<>();
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("drover-local dapr discovery").factory());
    private final Object lock = new Object();
    // Guarded by lock:
    private final Map<String, Long> generations = new HashMap<>();
    private final Map<String, List<AppSubscription>> declared = new HashMap<>();
    private final Map<AppSubscription, StreamConsumer> consumers = new HashMap<>();
    private boolean closed;

    Subscribers(DaprSidecarConfig config, DaprKeys keys, HttpClient http, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.http = http;
        this.clock = clock;
        this.discovery = new SubscriptionDiscovery(http, DISCOVERY_TIMEOUT, config.appApiToken());
    }

    /** Serves {@code app} (replacing an app of the same id) and reads its subscriptions right away. */
    void add(DaprApp app) {
        apps.put(app.appId(), app);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the sidecar is closed");
            }
            // A new generation retires the app's previous discovery schedule.
            long generation = generations.merge(app.appId(), 1L, Long::sum);
            schedule(app.appId(), generation, Duration.ZERO);
        }
    }

    /** Reads every app's subscriptions now; returns the subscriptions being served afterwards. */
    List<AppSubscription> refresh() {
        for (String appId : apps.keySet()) {
            discover(appId);
        }
        return current();
    }

    /** The subscriptions being served, by app and topic. */
    List<AppSubscription> current() {
        synchronized (lock) {
            List<AppSubscription> list = new ArrayList<>(consumers.keySet());
            list.sort(Comparator.comparing(AppSubscription::appId).thenComparing(AppSubscription::pubsubname)
                              .thenComparing(AppSubscription::topic));
            return List.copyOf(list);
        }
    }

    private void schedule(String appId, long generation, Duration delay) {
        scheduler.schedule(() -> discoverAndReschedule(appId, generation), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void discoverAndReschedule(String appId, long generation) {
        synchronized (lock) {
            if (closed || generations.get(appId) != generation) {
                return;
            }
        }
        boolean answered = discover(appId);
        synchronized (lock) {
            if (!closed && generations.get(appId) == generation) {
                schedule(appId, generation, answered ? config.subscriptionRefresh() : DISCOVERY_RETRY);
            }
        }
    }

    private boolean discover(String appId) {
        DaprApp app = apps.get(appId);
        try {
            List<AppSubscription> subscriptions = discovery.discover(app);
            if (waiting.remove(appId)) {
                LOGGER.log(Level.INFO, "app %s answers at %s".formatted(appId, app.baseUrl()));
            }
            reconcile(appId, subscriptions);
            return true;
        } catch (IOException e) {
            if (waiting.add(appId)) {
                LOGGER.log(Level.INFO, "waiting for app %s to answer GET %s (%s); asking again every %d ms"
                        .formatted(appId, app.resolve("/dapr/subscribe"), e, DISCOVERY_RETRY.toMillis()));
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops consumers of subscriptions the app no longer declares, then starts the new ones. */
    private void reconcile(String appId, List<AppSubscription> subscriptions) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            List<AppSubscription> before = declared.getOrDefault(appId, List.of());
            List<StreamConsumer> retired = new ArrayList<>();
            for (AppSubscription old : before) {
                if (!subscriptions.contains(old)) {
                    Optional.ofNullable(consumers.remove(old)).ifPresent(retired::add);
                    LOGGER.log(Level.INFO, "unsubscribed: " + old.describe());
                }
            }
            // Retired before the new start: two consumers of one group never run side by side here.
            StreamConsumer.closeAll(retired);
            for (AppSubscription subscription : subscriptions) {
                if (consumers.containsKey(subscription)) {
                    continue;
                }
                if (!config.pubsubNames().contains(subscription.pubsubname())) {
                    if (!before.contains(subscription)) {
                        LOGGER.log(Level.WARNING, "not subscribing %s: no pub/sub component named %s (configured: %s)"
                                .formatted(subscription.describe(), subscription.pubsubname(), config.pubsubNames()));
                    }
                    continue;
                }
                consumers.put(subscription, start(subscription));
                LOGGER.log(Level.INFO, "subscribed: " + subscription.describe());
            }
            declared.put(appId, subscriptions);
        }
    }

    private StreamConsumer start(AppSubscription subscription) {
        StreamConsumer.Group group = new StreamConsumer.Group(
                keys.topic(subscription.pubsubname(), subscription.topic()), subscription.appId(), config.consumerName(),
                // A new subscriber gets what the topic already holds: an event published before its app
                // was up is delivered once the app is (as Dapr's Redis component creates groups at 0).
                StreamConsumer.Start.BEGINNING);
        return StreamConsumer.start(config.redis(), group,
                                    new Redelivery(config.redeliverInterval(), config.maxDeliveries()),
                                    new AppDelivery(http, subscription,
                                                    () -> Optional.ofNullable(apps.get(subscription.appId())),
                                                    config.deliveryTimeout(), config.appApiToken(), clock),
                                    new DaprDeadLetters(config.redis(), keys, subscription),
                                    subscription.describe());
    }

    @Override
    public void close() {
        List<StreamConsumer> running;
        synchronized (lock) {
            closed = true;
            running = List.copyOf(consumers.values());
            consumers.clear();
        }
        scheduler.shutdownNow();
        StreamConsumer.closeAll(running);
    }
}
