package dev.drover.local.broker;

import dev.drover.local.stream.MessageHandler;
import dev.drover.local.stream.Outcome;
import dev.drover.local.stream.StreamMessage;
import io.cloudevents.CloudEvent;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * One trigger's half of Knative's broker filter: skips the events its filter rejects and pushes the
 * rest to its subscriber. A reply event in the subscriber's answer is not sent back into the broker
 * (Knative would); Drover's migrators answer through the API instead.
 */
final class TriggerDelivery implements MessageHandler {
    private final HttpClient http;
    private final Trigger trigger;
    private final DeliverySpec delivery;

    TriggerDelivery(HttpClient http, Trigger trigger, DeliverySpec delivery) {
        this.http = http;
        this.trigger = trigger;
        this.delivery = delivery;
    }

    @Override
    public Outcome deliver(StreamMessage message) {
        Optional<CloudEvent> event = StoredEvent.read(message.fields().get(StoredEvent.FIELD));
        if (event.isEmpty()) {
            return Outcome.deadLetter("stream entry " + message.id() + " holds no CloudEvent");
        }
        if (!TriggerFilter.matches(trigger.filter(), event.get())) {
            return Outcome.DONE;
        }
        HttpResponse<byte[]> response;
        try {
            response = BinaryPost.send(http, trigger.subscriber(), event.get(), delivery.timeout());
        } catch (IOException e) {
            return Outcome.retry("cannot reach " + trigger.subscriber() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry("interrupted while delivering to " + trigger.subscriber());
        }
        int status = response.statusCode();
        Outcome.Response answer = new Outcome.Response(status, response.body());
        if (status >= 200 && status < 300) {
            return Outcome.DONE;
        }
        String reason = "the subscriber answered HTTP " + status;
        return BinaryPost.retryable(status) ? Outcome.retry(reason, answer) : Outcome.deadLetter(reason, answer);
    }
}
