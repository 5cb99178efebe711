package dev.drover.migrator;

import dev.drover.core.json.Json;
import dev.drover.core.model.Migration;
import dev.failsafe.Failsafe;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Announces the migration on topic {@code migration-registry} through Dapr, and keeps announcing until
 * the platform serves exactly this definition: publishing only hands the event to the bus, and the
 * platform may be down, or still serving an older definition.
 */
final class Announcer {
    static final String TOPIC = "migration-registry";
    static final String TYPE = "dev.drover.migration.announced";
    private static final System.Logger LOGGER = System.getLogger(Announcer.class.getName());

    private final DaprClient dapr;
    private final String pubsub;
    private final Migration migration;
    private final String appId;
    private final PlatformClient platform;
    private volatile boolean acknowledged;

    Announcer(DaprClient dapr, String pubsub, Migration migration, String appId, PlatformClient platform) {
        this.dapr = dapr;
        this.pubsub = pubsub;
        this.migration = migration;
        this.appId = appId;
        this.platform = platform;
    }

    boolean acknowledged() {
        return acknowledged;
    }

    /** Re-entrant: once acknowledged it returns at once. */
    void announceUntilAcknowledged(Duration patience) {
        if (acknowledged) {
            return;
        }
        Failsafe.with(Retries.<Void>until(patience, "announcing " + migration.id())).run(() -> {
            publish();
            awaitStored(Duration.ofSeconds(5));
        });
        acknowledged = true;
        LOGGER.log(System.Logger.Level.INFO, appId + " announced " + migration.id() + "; the platform serves it");
    }

    private void publish() {
        byte[] event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(
                CloudEventBuilder.v1()
                        .withId(UUID.randomUUID().toString())
                        .withSource(URI.create("/" + appId))
                        .withType(TYPE)
                        .withSubject(migration.id())
                        .withDataContentType("application/json")
                        .withData(Json.bytes(migration))
                        .build());
        // Bytes with an explicit content type: a String would be JSON-encoded a second time.
        dapr.publishEvent(new PublishEventRequest(pubsub, TOPIC, event).setContentType(JsonFormat.CONTENT_TYPE))
                .block(Duration.ofSeconds(10));
    }

    private void awaitStored(Duration patience) throws IOException, InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            Optional<Migration> stored = platform.migration(migration.id());
            if (stored.isPresent() && stored.get().equals(migration)) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IOException("the platform does not serve " + migration.id() + " as announced yet");
            }
            Thread.sleep(100);
        }
    }
}
