package dev.drover.local.broker;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.jackson.JsonFormat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How an event sits in the broker's stream: a structured CloudEvent (JSON) with its data always in
 * {@code data_base64}, so the bytes a subscriber receives are exactly the bytes that were sent
 * (re-encoding JSON data would change its spacing, and a text body that claims to be JSON would not survive).
 */
final class StoredEvent {
    /** The stream entry's field holding the event. */
    static final String FIELD = "event";
    private static final JsonFormat FORMAT = new JsonFormat().withForceJsonDataToBase64();

    private StoredEvent() {
    }

    static String write(CloudEvent event) {
        return new String(FORMAT.serialize(event), StandardCharsets.UTF_8);
    }

    static Optional<CloudEvent> read(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(FORMAT.deserialize(stored.getBytes(StandardCharsets.UTF_8)));
        } catch (EventDeserializationException | IllegalStateException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
