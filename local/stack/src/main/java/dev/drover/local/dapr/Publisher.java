package dev.drover.local.dapr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        check(publication.pubsub(), publication.topic());
        return append(publication.pubsub(), publication.topic(), DaprEnvelope.build(publication, source, clock.instant()));
    }

    /**
     * Publishes a bulk request's entries in order, each as its own event (daprd's {@code BulkPublishEvent}): the
     * request's {@code rawPayload} applies to every entry, its other metadata only under an entry's own, and each
     * entry's event carries a span of its own, a child of the call's.
     *
     * @return the ids of the entries that could not be stored, with why; empty when all were
     * @throws PublishRefused when the request as a whole is refused (unknown pub/sub, an entry that cannot become a CloudEvent)
     */
    Map<String, String> publishBulk(String pubsub, String topic, Map<String, String> metadata, List<BulkEntry> entries,
                                    TraceContext trace) {
        check(pubsub, topic);
        List<Map.Entry<BulkEntry, ObjectNode>> events = new ArrayList<>();
        for (BulkEntry entry : entries) {
            Map<String, String> entryMetadata = new HashMap<>();
            if (entry.metadata() != null) {
                entryMetadata.putAll(metadata);
                entryMetadata.putAll(entry.metadata());
            }
            Optional.ofNullable(metadata.get("rawPayload")).ifPresent(raw -> entryMetadata.put("rawPayload", raw));
            Publication publication = new Publication(pubsub, topic, entry.event(), entry.contentType(), entryMetadata,
                                                      TraceContext.of(trace.traceparent(), trace.tracestate()));
            events.add(Map.entry(entry, DaprEnvelope.build(publication, source, clock.instant())));
        }
        Map<String, String> failed = new LinkedHashMap<>();
        for (Map.Entry<BulkEntry, ObjectNode> event : events) {
            if (!failed.isEmpty()) {
                failed.put(event.getKey().entryId(), "not published: an earlier entry failed");
                continue;
            }
            try {
                append(pubsub, topic, event.getValue());
            } catch (PublishRefused e) {
                failed.put(event.getKey().entryId(), e.getMessage());
            }
        }
        return failed;
    }

    private void check(String pubsub, String topic) {
        if (pubsub.isEmpty()) {
            throw new PublishRefused(PublishRefused.Reason.PUBSUB_EMPTY, "pubsub name is empty");
        }
        if (!pubsubNames.contains(pubsub)) {
            throw new PublishRefused(PublishRefused.Reason.PUBSUB_NOT_FOUND,
                                     "pubsub " + pubsub + " is not found (configured: " + String.join(", ", pubsubNames) + ")");
        }
        if (topic.isEmpty()) {
            throw new PublishRefused(PublishRefused.Reason.TOPIC_EMPTY, "topic is empty in pubsub " + pubsub);
        }
    }

    /** Once {@code XADD} returns the event is durable; delivery happens later, from the stream. */
    private StreamEntryID append(String pubsub, String topic, ObjectNode event) {
        try {
            StreamEntryID id = redis.xadd(keys.topic(pubsub, topic), XAddParams.xAddParams(), Map.of(EVENT_FIELD, Json.string(event)));
            LOGGER.log(Level.DEBUG, () -> "published %s to %s/%s as %s".formatted(event.path("id").asText(), pubsub, topic, id));
            return id;
        } catch (JedisException e) {
            throw new PublishRefused(PublishRefused.Reason.PUBLISH_FAILED, "error when publish to topic %s in pubsub %s: %s"
                    .formatted(topic, pubsub, e.getMessage()));
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
