package dev.drover.core.event;

import dev.drover.core.http.Http;
import dev.drover.contract.event.CloudEvents;
import io.cloudevents.CloudEvent;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Header header : req.headers()) {
            headers.add(Map.entry(header.name(), header.get()));
        }
        CloudEvents.Delivered delivered = CloudEvents.read(headers, body);
        return new EventDelivery(Optional.of(delivered.event()), delivered.data());
    }

    public String describe() {
        return event.map(e -> "CloudEvent " + e.getType() + " id=" + e.getId() + " source=" + e.getSource())
                .orElse("plain JSON event");
    }
}
