package dev.drover.workflows;

import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.SigningKeys;
import io.cloudevents.jackson.JsonFormat;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;

import java.time.Duration;
import java.time.Instant;

/**
 * Publishes step events, signed, through the Dapr sidecar. The payload is the structured CloudEvent's bytes with
 * content type {@code application/cloudevents+json}: Dapr then forwards our event as is (id, type,
 * the migrator extension) instead of wrapping it, and bytes avoid the SDK encoding a String twice.
 */
public final class DaprStepPublisher implements StepPublisher {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DaprClient dapr;
    private final String pubsub;
    private final SigningKeys keys;

    public DaprStepPublisher(DaprClient dapr, String pubsub, SigningKeys keys) {
        this.dapr = dapr;
        this.pubsub = pubsub;
        this.keys = keys;
    }

    @Override
    public void publish(StepEvent event, String migratorApp) {
        byte[] body = StepEvents.structured(StepEvents.cloudEvent(event, migratorApp, keys, Instant.now()));
        PublishEventRequest request = new PublishEventRequest(pubsub, StepEvent.TOPIC, body)
                .setContentType(JsonFormat.CONTENT_TYPE);
        dapr.publishEvent(request).block(TIMEOUT);
    }
}
