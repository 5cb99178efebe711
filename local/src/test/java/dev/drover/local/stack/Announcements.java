package dev.drover.local.stack;

import dev.drover.core.json.Json;
import dev.drover.core.model.Migration;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * Announces a migration through the Dapr API as a migrator does, for tests whose one test migrator
 * serves several migrations (the SDK announces exactly one per migrator).
 */
final class Announcements {
    private Announcements() {
    }

    static void publish(DaprClient dapr, Migration migration) {
        byte[] event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(
                CloudEventBuilder.v1()
                        .withId(UUID.randomUUID().toString())
                        .withSource(URI.create("/test-migrator"))
                        .withType("dev.drover.migration.announced")
                        .withDataContentType("application/json")
                        .withData(Json.bytes(migration))
                        .build());
        dapr.publishEvent(new PublishEventRequest(LocalStack.PUBSUB, "migration-registry", event)
                                  .setContentType(JsonFormat.CONTENT_TYPE))
                .block(Duration.ofSeconds(10));
    }
}
