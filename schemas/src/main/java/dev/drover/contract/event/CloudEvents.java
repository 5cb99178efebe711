package dev.drover.contract.event;

import dev.drover.contract.model.InvalidInput;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.http.HttpMessageFactory;

import java.util.Map;

/**
 * Reads a CloudEvent as it arrives over HTTP, in binary mode ({@code ce-*} headers) or structured mode
 * ({@code application/cloudevents+json}): how both sides read what the other sends, whatever web server they run.
 */
public final class CloudEvents {
    private CloudEvents() {
    }

    /** A CloudEvent and its data's bytes exactly as they came (what the platform's signature covers). */
    public record Delivered(CloudEvent event, byte[] data) {
    }

    /**
     * @param headers every header of the request, by name (a name given twice: its first value)
     * @throws InvalidInput {@code malformed_event} when the request is no readable CloudEvent
     */
    public static Delivered read(Iterable<Map.Entry<String, String>> headers, byte[] body) {
        try {
            // Media types are case-insensitive (RFC 9110), the SDK's test for structured mode is not: it would read
            // "Application/CloudEvents+json" as a binary-mode event without ce-* headers and refuse it.
            CloudEvent event = HttpMessageFactory.createReader(visitor -> headers.forEach(h -> visitor.accept(h.getKey(),
                    h.getKey().equalsIgnoreCase("content-type") ? h.getValue().toLowerCase(java.util.Locale.ROOT) : h.getValue())),
                                                               body).toEvent();
            CloudEventData data = event.getData();
            return new Delivered(event, data == null ? new byte[0] : data.toBytes());
        } catch (RuntimeException e) {
            // The CloudEvents SDK signals a bad event with several unchecked types (CloudEventRWException,
            // EventDeserializationException, IllegalStateException): all are the sender's mistake.
            throw new InvalidInput("malformed_event", "not a readable CloudEvent: " + e.getMessage());
        }
    }
}
