package dev.drover.local.broker;

import dev.drover.local.stream.DeadLetterHandler;
import dev.drover.local.stream.Outcome;
import dev.drover.local.stream.StreamMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a trigger's event goes when it will not be delivered. With a dead-letter sink it is POSTed
 * there in binary mode with the extensions Knative adds ({@code knativeerrordest}, {@code knativeerrorcode},
 * {@code knativeerrordata}: the failed destination, its status and the start of its answer in base64).
 * Without a sink, or when the sink does not take it, it is appended to the broker's dead-letter stream
 * and logged: the local stack never loses an event silently.
 */
final class BrokerDeadLetters implements DeadLetterHandler {
    private static final System.Logger LOGGER = System.getLogger(BrokerDeadLetters.class.getName());
    /** Knative keeps at most this much of the failed answer in {@code knativeerrordata}. */
    private static final int MAX_ERROR_DATA = 1024;

    private final UnifiedJedis redis;
    private final BrokerKeys keys;
    private final HttpClient http;
    private final Trigger trigger;
    private final DeliverySpec delivery;

    BrokerDeadLetters(UnifiedJedis redis, BrokerKeys keys, HttpClient http, Trigger trigger, DeliverySpec delivery) {
        this.redis = redis;
        this.keys = keys;
        this.http = http;
        this.trigger = trigger;
        this.delivery = delivery;
    }

    @Override
    public void deadLetter(StreamMessage message, Outcome last) {
        String what = "trigger %s: gave up on message %s after %d attempt(s) (%s)"
                .formatted(trigger.name(), message.id(), message.attempt(), last.reason());
        Optional<CloudEvent> event = StoredEvent.read(message.fields().get(StoredEvent.FIELD));
        String sinkFailure = "";
        if (delivery.deadLetterSink().isPresent() && event.isPresent()) {
            URI sink = delivery.deadLetterSink().get();
            try {
                HttpResponse<byte[]> response = BinaryPost.send(http, sink, annotated(event.get(), last), delivery.timeout());
                if (response.statusCode() >= 200 && response.statusCode() < 300) {
                    LOGGER.log(Level.WARNING, what + "; sent to the dead-letter sink " + sink);
                    return;
                }
                sinkFailure = "the dead-letter sink answered HTTP " + response.statusCode();
            } catch (IOException e) {
                sinkFailure = "cannot reach the dead-letter sink: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sinkFailure = "interrupted while sending to the dead-letter sink";
            }
        }
        Map<String, String> fields = new HashMap<>();
        fields.put(StoredEvent.FIELD, message.fields().getOrDefault(StoredEvent.FIELD, ""));
        fields.put("trigger", trigger.name());
        fields.put("subscriber", trigger.subscriber().toString());
        fields.put("attempts", Integer.toString(message.attempt()));
        fields.put("reason", sinkFailure.isEmpty() ? last.reason() : last.reason() + "; " + sinkFailure);
        last.lastResponse().ifPresent(response -> fields.put("status", Integer.toString(response.status())));
        fields.put("entry", message.id().toString());
        redis.xadd(keys.deadLetters(), XAddParams.xAddParams(), fields);
        LOGGER.log(Level.ERROR, what + (sinkFailure.isEmpty() ? "" : "; " + sinkFailure) + "; kept in " + keys.deadLetters());
    }

    private CloudEvent annotated(CloudEvent event, Outcome last) {
        CloudEventBuilder builder = CloudEventBuilder.from(event)
                .withExtension("knativeerrordest", trigger.subscriber().toString());
        last.lastResponse().ifPresent(response -> {
            builder.withExtension("knativeerrorcode", Integer.toString(response.status()));
            if (response.body() != null && response.body().length > 0) {
                byte[] start = Arrays.copyOf(response.body(), Math.min(response.body().length, MAX_ERROR_DATA));
                builder.withExtension("knativeerrordata", Base64.getEncoder().encodeToString(start));
            }
        });
        return builder.build();
    }
}
