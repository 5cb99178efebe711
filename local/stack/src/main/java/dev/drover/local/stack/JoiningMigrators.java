package dev.drover.local.stack;

import dev.drover.core.model.StoredMigration;
import dev.drover.core.state.RedisState;
import dev.drover.local.broker.Broker;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Lets a migrator join the running stack: once an app has announced a migration with a {@code migratorUrl}, and the
 * broker has no trigger for it yet (neither {@code DROVER_MIGRATORS} nor a demo named it), its step events go to
 * {@code <migratorUrl>/steps}. On Knative the same thing is the migrator's own Trigger, deployed with it; here the
 * announcement is all a developer's migrator has to say. Checked every second, off the request path.
 */
final class JoiningMigrators implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(JoiningMigrators.class.getName());

    private final RedisState state;
    private final Broker broker;
    private final BiConsumer<String, URI> addMigrator;
    private final ScheduledExecutorService scans = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("joining-migrators").factory());

    JoiningMigrators(RedisState state, Broker broker, BiConsumer<String, URI> addMigrator, Duration every) {
        this.state = state;
        this.broker = broker;
        this.addMigrator = addMigrator;
        scans.scheduleWithFixedDelay(this::scanQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Adds a trigger for every announcing app that has none; returns how many joined. */
    int scan() {
        int joined = 0;
        for (StoredMigration stored : state.migrations().list()) {
            String app = stored.owner();
            String url = stored.migration().migratorUrl();
            if (app == null || url == null || url.isBlank()
                    || broker.triggers().stream().anyMatch(trigger -> trigger.name().equals(app))) {
                continue;
            }
            URI steps = URI.create(url.endsWith("/") ? url + "steps" : url + "/steps");
            addMigrator.accept(app, steps);
            joined++;
            LOGGER.log(Level.INFO, "migrator " + app + " joined the stack: its step events go to " + steps
                    + " (the migratorUrl it announced with " + stored.migration().id() + ")");
        }
        return joined;
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
