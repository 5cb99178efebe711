package dev.drover.core.event;

import dev.drover.core.http.Http;
import dev.drover.contract.model.InvalidInput;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.http.HttpMessageFactory;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;

import java.util.Locale;
import java.util.Optional;

/**
 * One event as it arrived over HTTP: a CloudEvent in binary mode ({@code ce-*} headers) or structured
 * mode ({@code application/cloudevents+json}), or a plain JSON body for callers that speak neither.
 *
 * @param event the CloudEvent, when it came as one
 * @param data  the event's data (the whole body for plain JSON)
 */
public record EventDelivery(Optional<CloudEvent> event, byte[] data) {
    public static EventDelivery read(ServerRequest req) {
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        boolean binary = req.headers().contains(io.helidon.http.HeaderNames.create("ce-specversion"));
        boolean structured = Http.contentType(req)
                .map(type -> type.mediaType().text().toLowerCase(Locale.ROOT).startsWith("application/cloudevents"))
                .orElse(false);
        if (!binary && !structured) {
            return new EventDelivery(Optional.empty(), body);
        }
        try {
            CloudEvent event = HttpMessageFactory.createReader(headers -> {
                for (Header header : req.headers()) {
                    headers.accept(header.name(), header.get());
                }
            }, body).toEvent();
            CloudEventData data = event.getData();
            return new EventDelivery(Optional.of(event), data == null ? new byte[0] : data.toBytes());
        } catch (RuntimeException e) {
            // The SDK signals a bad event with several unchecked types (CloudEventRWException,
            // EventDeserializationException, IllegalStateException); all are the sender's mistake.
            throw new InvalidInput("malformed_event", "not a readable CloudEvent: " + e.getMessage());
        }
    }

    public String describe() {
        return event.map(e -> "CloudEvent " + e.getType() + " id=" + e.getId() + " source=" + e.getSource())
                .orElse("plain JSON event");
    }
}
