package dev.drover.migrator;

import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.contract.event.Announcement;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
import dev.failsafe.Failsafe;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Announces the migration on topic {@value Announcement#TOPIC} through Dapr, and keeps announcing until
 * the platform serves exactly this definition: publishing only hands the event to the bus, and the
 * platform may be down, or still serving an older definition.
 * <p>
 * Dapr delivers the event without this process's HTTP headers, so the migrator's token travels inside it
 * (extension {@value Announcement#TOKEN_EXTENSION}): the platform stores the migration as this app's, and
 * refuses it when another app owns the id. That answer (403 {@code not_owner}) stops announcing for good in
 * this process: no retry can change it, only an admin's transfer (then restart the migrator).
 */
final class Announcer {
    private static final System.Logger LOGGER = System.getLogger(Announcer.class.getName());
    /** How long one announcement may take to be stored before it is published again. */
    private static final Duration STORED_WITHIN = Duration.ofSeconds(5);

    private final DaprClient dapr;
    private final String pubsub;
    private final Migration migration;
    private final String appId;
    private final PlatformClient platform;
    private final TokenSource tokens;
    private volatile boolean acknowledged;
    private volatile String notOwner;

    Announcer(DaprClient dapr, String pubsub, Migration migration, String appId, PlatformClient platform, TokenSource tokens) {
        this.dapr = dapr;
        this.pubsub = pubsub;
        this.migration = migration;
        this.appId = appId;
        this.platform = platform;
        this.tokens = tokens;
    }

    /**
     * Re-entrant: once acknowledged it returns at once.
     *
     * @return whether the platform serves the migration as this app's; false when another app owns it
     */
    boolean announceUntilAcknowledged(Duration patience) {
        if (acknowledged) {
            return true;
        }
        if (notOwner != null) {
            LOGGER.log(Level.WARNING, appId + " does not announce " + migration.id() + ": another migrator app owns it (" + notOwner + ")");
            return false;
        }
        try {
            Failsafe.with(Retries.<Void>until(patience, "announcing " + migration.id())).run(() -> {
                publish();
                awaitStored();
            });
        } catch (PlatformClient.NotOwner e) {
            notOwner = e.getMessage();
            LOGGER.log(Level.ERROR, appId + " stops announcing " + migration.id() + " and submits no candidates for it: the "
                    + "platform says another migrator app owns it (" + e.getMessage() + "). Rename this migration, or have an "
                    + "admin transfer it to " + appId + " and restart this migrator");
            return false;
        }
        acknowledged = true;
        LOGGER.log(Level.INFO, appId + " announced " + migration.id() + "; the platform serves it");
        return true;
    }

    /**
     * Dapr took the event, so publishing said nothing of what the platform made of it: when the platform dropped this
     * announcement (its outcome since {@code publishedAt} says so), that is logged as a warning, with the reason, and told.
     */
    private String dropped(Instant publishedAt) {
        try {
            Optional<AnnouncementOutcome> outcome = platform.announcementOutcome(migration.id());
            if (outcome.isPresent() && AnnouncementOutcome.DROPPED.equals(outcome.get().outcome())
                    && !outcome.get().at().isBefore(publishedAt)) {
                String why = ": the platform dropped the announcement (" + outcome.get().code() + ": " + outcome.get().reason() + ")";
                LOGGER.log(Level.WARNING, appId + " announced " + migration.id() + why);
                return why;
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(Level.DEBUG, "no announcement outcome for " + migration.id() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    private void publish() throws IOException {
        byte[] event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(
                CloudEventBuilder.v1()
                        .withId(UUID.randomUUID().toString())
                        .withSource(URI.create("/" + appId))
                        .withType(Announcement.TYPE)
                        .withSubject(migration.id())
                        .withExtension(Announcement.TOKEN_EXTENSION, tokens.token())
                        .withDataContentType("application/json")
                        .withData(Json.bytes(migration))
                        .build());
        // Bytes with an explicit content type: a String would be JSON-encoded a second time.
        dapr.publishEvent(new PublishEventRequest(pubsub, Announcement.TOPIC, event).setContentType(JsonFormat.CONTENT_TYPE))
                .block(Duration.ofSeconds(10));
    }

    /**
     * Waits for the platform to serve this definition. A 403 is believed only when it lasts: a migration stored before
     * owners were kept answers 403 until the registry has processed this announcement and made this app its owner.
     */
    private void awaitStored() throws IOException, InterruptedException {
        Instant publishedAt = Instant.now().minusSeconds(1);
        long until = System.nanoTime() + STORED_WITHIN.toNanos();
        while (true) {
            Optional<Migration> stored;
            try {
                stored = platform.migration(migration.id());
            } catch (PlatformClient.NotOwner e) {
                if (System.nanoTime() > until) {
                    throw e;
                }
                Thread.sleep(200);
                continue;
            }
            if (stored.isPresent() && stored.get().equals(migration)) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IOException("the platform does not serve " + migration.id() + " as announced yet" + dropped(publishedAt));
            }
            Thread.sleep(100);
        }
    }
}
