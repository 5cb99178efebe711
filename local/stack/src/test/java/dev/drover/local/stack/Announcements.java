package dev.drover.local.stack;

import dev.drover.contract.event.Announcement;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
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

    /** Published with the identity of migrator app {@code app}, the owner of what it announces. */
    static void publish(LocalStack stack, String app, Migration migration) {
        DaprClient dapr = stack.daprClient();
        byte[] event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(
                CloudEventBuilder.v1()
                        .withId(UUID.randomUUID().toString())
                        .withSource(URI.create("/" + app))
                        .withType(Announcement.TYPE)
                        .withExtension(Announcement.TOKEN_EXTENSION, stack.issuer().migratorToken(app))
                        .withDataContentType("application/json")
                        .withData(Json.bytes(migration))
                        .build());
        dapr.publishEvent(new PublishEventRequest(LocalStack.PUBSUB, Announcement.TOPIC, event)
                                  .setContentType(JsonFormat.CONTENT_TYPE))
                .block(Duration.ofSeconds(10));
    }
}
