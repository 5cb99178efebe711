package dev.drover.local.stream;

import dev.drover.local.Await;
import dev.drover.local.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The recovery paths of the consumer loop that the stand-ins' own tests do not reach. */
class StreamConsumerTest {
    private static TestRedis redis;

    @BeforeAll
    static void connect() {
        redis = TestRedis.create();
    }

    @AfterAll
    static void dropKeys() {
        redis.close();
    }

    private record Fixed(int maxAttempts) implements RetrySchedule {
        @Override
        public Duration delayBefore(int attempt) {
            return Duration.ofMillis(100);
        }
    }

    private static StreamConsumer.Group group(String stream) {
        return new StreamConsumer.Group(stream, "group", "survivor", StreamConsumer.Start.BEGINNING);
    }

    @Test
    void aMessageWhoseLastAttemptLeftNoOutcomeIsDeadLetteredNotDeliveredAgain() {
        String stream = redis.prefix() + "crash-" + UUID.randomUUID();
        StreamEntryID id = redis.client().xadd(stream, XAddParams.xAddParams(), Map.of("n", "1"));
        redis.client().xgroupCreate(stream, "group", new StreamEntryID(), true);
        // A process read it (its one allowed attempt) and died before recording an outcome.
        redis.client().xreadGroup("group", "crashed", XReadGroupParams.xReadGroupParams().count(1),
                                  Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));

        AtomicInteger deliveries = new AtomicInteger();
        List<StreamMessage> deadLetters = new CopyOnWriteArrayList<>();
        try (StreamConsumer consumer = StreamConsumer.start(redis.client(), group(stream), new Fixed(1), message -> {
            deliveries.incrementAndGet();
            return Outcome.DONE;
        }, (message, last) -> deadLetters.add(message), "test")) {
            assertEquals(stream, consumer.group().stream());
            Await.until("the dead letter", () -> !deadLetters.isEmpty());
            Await.until("the acknowledgement", () -> redis.client().xpending(stream, "group").getTotal() == 0);
        }
        assertEquals(0, deliveries.get());
        assertEquals(id, deadLetters.getFirst().id());
        assertEquals(1, deadLetters.getFirst().attempt(), "reported as the last allowed attempt");
    }

    @Test
    void aDeadLetterThatFailsLeavesTheMessagePendingUntilItSucceeds() {
        String stream = redis.prefix() + "dead-" + UUID.randomUUID();
        redis.client().xadd(stream, XAddParams.xAddParams(), Map.of("n", "1"));
        AtomicInteger deadLetterCalls = new AtomicInteger();
        try (StreamConsumer consumer = StreamConsumer.start(redis.client(), group(stream), new Fixed(3),
                                                           message -> Outcome.deadLetter("never deliverable"),
                                                           (message, last) -> {
                                                               if (deadLetterCalls.incrementAndGet() == 1) {
                                                                   throw new IllegalStateException("sink down");
                                                               }
                                                           }, "test")) {
            assertEquals(stream, consumer.group().stream());
            Await.until("a second dead-letter attempt", () -> deadLetterCalls.get() >= 2);
            Await.until("the acknowledgement", () -> redis.client().xpending(stream, "group").getTotal() == 0);
        }
        assertEquals(2, deadLetterCalls.get());
    }
}
