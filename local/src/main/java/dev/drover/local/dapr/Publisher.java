package dev.drover.local.dapr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * Publishes the way the sidecar does, behind both of its APIs: checks the request, builds the
 * CloudEvent to deliver, and appends it to the topic's stream. Once {@code XADD} returns the event
 * is durable; delivery happens later, from the stream.
 */
final class Publisher {
    /** The stream entry's one field: the CloudEvent (JSON) exactly as it will be delivered. */
    static final String EVENT_FIELD = "event";
    private static final System.Logger LOGGER = System.getLogger(Publisher.class.getName());

    private final UnifiedJedis redis;
    private final DaprKeys keys;
    private final Set<String> pubsubNames;
    private final String source;
    private final Clock clock;

    Publisher(UnifiedJedis redis, DaprKeys keys, Set<String> pubsubNames, String source, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.pubsubNames = pubsubNames;
        this.source = source;
        this.clock = clock;
    }

    /** @throws PublishRefused with the error the real sidecar would answer */
    StreamEntryID publish(Publication publication) {
        if (publication.pubsub().isEmpty()) {
            throw new PublishRefused(PublishRefused.Reason.PUBSUB_EMPTY, "pubsub name is empty");
        }
        if (!pubsubNames.contains(publication.pubsub())) {
            throw new PublishRefused(PublishRefused.Reason.PUBSUB_NOT_FOUND,
                                     "pubsub " + publication.pubsub() + " is not found (configured: "
                                             + String.join(", ", pubsubNames) + ")");
        }
        if (publication.topic().isEmpty()) {
            throw new PublishRefused(PublishRefused.Reason.TOPIC_EMPTY, "topic is empty in pubsub " + publication.pubsub());
        }
        ObjectNode event = DaprEnvelope.build(publication, source, clock.instant());
        try {
            StreamEntryID id = redis.xadd(keys.topic(publication.pubsub(), publication.topic()), XAddParams.xAddParams(),
                                          Map.of(EVENT_FIELD, Json.string(event)));
            LOGGER.log(Level.DEBUG, () -> "published %s to %s/%s as %s"
                    .formatted(event.path("id").asText(), publication.pubsub(), publication.topic(), id));
            return id;
        } catch (JedisException e) {
            throw new PublishRefused(PublishRefused.Reason.PUBLISH_FAILED, "error when publish to topic %s in pubsub %s: %s"
                    .formatted(publication.topic(), publication.pubsub(), e.getMessage()));
        }
    }

    /** Whether the sidecar can publish: its one component, Redis, answers. */
    boolean healthy() {
        try {
            return "PONG".equals(redis.ping());
        } catch (JedisException e) {
            return false;
        }
    }
}
