package dev.drover.local.broker;

import dev.drover.core.event.EventDelivery;
import dev.drover.contract.model.InvalidInput;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The broker's ingress, at Knative's path {@code /<namespace>/<broker>}: accepts a CloudEvent in binary
 * or structured mode, stamps it with {@code knativearrivaltime} as Knative's ingress does, appends it
 * to the broker's stream and only then answers 202. Anything that is not a CloudEvent gets 400; another
 * method than POST gets 405.
 */
final class Ingress implements HttpService {
    private static final System.Logger LOGGER = System.getLogger(Ingress.class.getName());

    private final UnifiedJedis redis;
    private final BrokerKeys keys;
    private final Clock clock;

    Ingress(UnifiedJedis redis, BrokerKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    static String path(String namespace, String broker) {
        return "/" + namespace + "/" + broker;
    }

    @Override
    public void routing(HttpRules rules) {
        String path = path(keys.namespace(), keys.broker());
        rules.route(Method.POST, path, this::ingest)
                .any(path, (req, res) -> {
                    res.header(HeaderNames.ALLOW, "POST");
                    text(res, Status.METHOD_NOT_ALLOWED_405, "the broker ingress accepts POST only");
                });
    }

    private void ingest(ServerRequest req, ServerResponse res) {
        EventDelivery delivery;
        try {
            delivery = EventDelivery.read(req);
        } catch (InvalidInput | EventDeserializationException e) {
            // EventDelivery turns a bad binary event into InvalidInput, but a structured one that does not
            // deserialize (no id, not JSON) reaches us as the SDK's exception.
            text(res, Status.BAD_REQUEST_400, "not a readable CloudEvent: " + e.getMessage());
            return;
        }
        if (delivery.event().isEmpty()) {
            text(res, Status.BAD_REQUEST_400, "not a CloudEvent: send binary mode (ce-* headers) or structured mode "
                    + "(Content-Type: application/cloudevents+json)");
            return;
        }
        CloudEvent event = CloudEventBuilder.from(delivery.event().get())
                .withExtension("knativearrivaltime", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .build();
        try {
            redis.xadd(keys.events(), XAddParams.xAddParams(), Map.of(StoredEvent.FIELD, StoredEvent.write(event)));
        } catch (JedisException e) {
            LOGGER.log(Level.WARNING, "cannot store event " + event.getId() + ": " + e.getMessage());
            text(res, Status.SERVICE_UNAVAILABLE_503, "the broker cannot store events right now (Redis); retry later");
            return;
        }
        res.status(Status.ACCEPTED_202).send();
    }

    private static void text(ServerResponse res, Status status, String message) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send(message);
    }
}
