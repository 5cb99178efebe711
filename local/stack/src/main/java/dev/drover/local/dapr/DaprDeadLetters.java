package dev.drover.local.dapr;

import dev.drover.local.stream.DeadLetterHandler;
import dev.drover.local.stream.Outcome;
import dev.drover.local.stream.StreamMessage;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;

import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * What happens to an event Dapr gives up on: republished to the subscription's {@code deadLetterTopic}
 * when it declares one (as Dapr does, so the dead-letter topic can have subscribers of its own),
 * otherwise kept in the topic's dead-letter stream with why, for whoever looks.
 */
final class DaprDeadLetters implements DeadLetterHandler {
    private static final System.Logger LOGGER = System.getLogger(DaprDeadLetters.class.getName());

    private final UnifiedJedis redis;
    private final DaprKeys keys;
    private final AppSubscription subscription;

    DaprDeadLetters(UnifiedJedis redis, DaprKeys keys, AppSubscription subscription) {
        this.redis = redis;
        this.keys = keys;
        this.subscription = subscription;
    }

    @Override
    public void deadLetter(StreamMessage message, Outcome last) {
        String event = message.fields().getOrDefault(Publisher.EVENT_FIELD, "");
        if (subscription.deadLetterTopic().isPresent()) {
            String topic = subscription.deadLetterTopic().get();
            redis.xadd(keys.topic(subscription.pubsubname(), topic), XAddParams.xAddParams(),
                       Map.of(Publisher.EVENT_FIELD, event));
            LOGGER.log(Level.WARNING, "%s: gave up on message %s after %d attempt(s) (%s); republished to dead-letter topic %s"
                    .formatted(subscription.describe(), message.id(), message.attempt(), last.reason(), topic));
            return;
        }
        String stream = keys.deadLetters(subscription.pubsubname(), subscription.topic());
        redis.xadd(stream, XAddParams.xAddParams(), Map.of(
                Publisher.EVENT_FIELD, event,
                "app", subscription.appId(),
                "route", subscription.route(),
                "attempts", Integer.toString(message.attempt()),
                "reason", last.reason(),
                "entry", message.id().toString()));
        LOGGER.log(Level.ERROR, "%s: gave up on message %s after %d attempt(s) (%s); kept in %s"
                .formatted(subscription.describe(), message.id(), message.attempt(), last.reason(), stream));
    }
}
