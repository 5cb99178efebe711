package dev.drover.local.stack;

import dev.drover.core.model.StoredMigration;
import dev.drover.core.state.RedisState;
import dev.drover.local.broker.Broker;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Lets a migrator join the running stack: once an app has announced a migration with a {@code migratorUrl}, and the
 * broker has no trigger for it yet (neither {@code DROVER_MIGRATORS} nor a demo named it), its step events go to
 * {@code <migratorUrl>/steps}; announced again elsewhere (a restart on another port), they follow it. A route that
 * was configured is never changed. On Knative the same thing is the migrator's own Trigger, deployed with it; here the
 * announcement is all a developer's migrator has to say. Checked every second, off the request path.
 */
final class JoiningMigrators implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(JoiningMigrators.class.getName());

    private final RedisState state;
    private final Broker broker;
    private final Route addMigrator;
    /** The routes this added, by app: only these follow a new migratorUrl. */
    private final Map<String, URI> routes = new ConcurrentHashMap<>();
    /** Apps already warned about: the warning is said once, not every second. */
    private final java.util.Set<String> warned = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scans = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("joining-migrators").factory());

    /** Routes an app's step events to a URL, from a moment on. */
    @FunctionalInterface
    interface Route {
        void add(String app, URI steps, Instant since);
    }

    JoiningMigrators(RedisState state, Broker broker, Route addMigrator, Duration every) {
        this.state = state;
        this.broker = broker;
        this.addMigrator = addMigrator;
        scans.scheduleWithFixedDelay(this::scanQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Routes every announcing app that has no route, or follows its new migratorUrl; returns how many it routed. */
    int scan() {
        // An app's latest announcement with a migratorUrl says where it is now (one app may own several migrations).
        Map<String, StoredMigration> latest = new HashMap<>();
        for (StoredMigration stored : state.migrations().list()) {
            String url = stored.migration().migratorUrl();
            if (stored.owner() != null && url != null && !url.isBlank()) {
                latest.merge(stored.owner(), stored, (a, b) -> a.updatedAt().isAfter(b.updatedAt()) ? a : b);
            } else if (stored.owner() != null) {
                warnUnrouted(stored);
            }
        }
        int routed = 0;
        for (StoredMigration stored : latest.values()) {
            String app = stored.owner();
            String url = stored.migration().migratorUrl();
            URI steps = URI.create(url.endsWith("/") ? url + "steps" : url + "/steps");
            boolean hasRoute = broker.triggers().stream().anyMatch(trigger -> trigger.name().equals(app));
            if (hasRoute && (!routes.containsKey(app) || routes.get(app).equals(steps))) {
                continue; // configured (never changed), or already where it announced
            }
            // From its announcement on: a run may have dispatched to it in the second before this scan.
            addMigrator.add(app, steps, stored.updatedAt());
            routes.put(app, steps);
            routed++;
            LOGGER.log(Level.INFO, "migrator " + app + " joined the stack: its step events go to " + steps
                    + " (the migratorUrl it announced with " + stored.migration().id() + ")");
        }
        return routed;
    }

    /** An app that announced no migratorUrl and that nothing routes: its step events would reach no one, silently. */
    private void warnUnrouted(StoredMigration stored) {
        String app = stored.owner();
        if (broker.triggers().stream().noneMatch(trigger -> trigger.name().equals(app)) && warned.add(app)) {
            LOGGER.log(Level.WARNING, "migrator " + app + " announced " + stored.migration().id() + " without a migratorUrl, and "
                    + "nothing in this stack routes its step events: they reach no one, and its runs' steps fail at their "
                    + "deadline. Announce a migratorUrl (the SDKs' MIGRATOR_URL), or start the stack with DROVER_MIGRATORS="
                    + app + "=<url>/steps");
        }
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            // Redis down for a moment: the next scan catches up; the stack's health says the rest.
            LOGGER.log(Level.DEBUG, "joining migrators: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        scans.shutdownNow();
    }
}
