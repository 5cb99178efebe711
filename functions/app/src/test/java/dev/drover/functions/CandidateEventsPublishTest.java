package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.state.RedisState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every change of a candidate's status, run or step is published on its migration's event channel, by the script that makes it. */
class CandidateEventsPublishTest {
    private static final RedisState STATE = TestState.create();
    private static final List<Step> STEPS = List.of(new Step("only", "", "test-migrator", "", Map.of()));

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    /** A subscriber on one channel, on its own connection, as a test's ears. */
    private static final class Listener implements AutoCloseable {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private final JedisPubSub pubSub = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                try {
                    messages.add(Json.mapper().readTree(message));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }
        };
        private final CountDownLatch subscribed = new CountDownLatch(1);
        private final Thread thread;

        Listener(String channel) throws InterruptedException {
            thread = Thread.ofVirtual().start(() -> {
                try (Jedis jedis = new Jedis(TestState.redisUrl())) {
                    jedis.subscribe(pubSub, channel);
                }
            });
            assertTrue(subscribed.await(5, TimeUnit.SECONDS), "never subscribed");
        }

        JsonNode next() throws InterruptedException {
            JsonNode message = messages.poll(5, TimeUnit.SECONDS);
            assertNotNull(message, "nothing was published");
            return message;
        }

        void expect(String candidateId, String status) throws InterruptedException {
            JsonNode message = next();
            assertEquals("candidate", message.get("type").asText(), message.toString());
            assertEquals(candidateId, message.get("candidateId").asText(), message.toString());
            assertEquals(status, message.get("status").asText(), message.toString());
        }

        @Override
        public void close() throws InterruptedException {
            pubSub.unsubscribe();
            thread.join(5000);
        }
    }

    private static String claim(String m, String candidateId) {
        String runId = "run-" + java.util.UUID.randomUUID();
        STATE.runs().claim(m, candidateId, runId, "hash", STEPS);
        return runId;
    }

    private static StepState step(StepStatus status) {
        java.time.Instant now = java.time.Instant.now();
        return new StepState("only", status, 1, Map.of(), "", now, now, null);
    }

    @Test
    void eachChangeOfACandidateIsPublishedOnceAndStaleWritesAreNot() throws Exception {
        String m = "events-publish";
        STATE.migrations().announce(Fixtures.migration(m), Fixtures.OWNER);
        try (Listener listener = new Listener(STATE.keys().events(m))) {
            STATE.candidates().merge(m, List.of(Fixtures.candidate("a", Map.of()), Fixtures.candidate("b", Map.of())));
            for (String id : List.of("a", "b")) {
                JsonNode added = listener.next();
                assertEquals(m, added.get("migrationId").asText());
                assertEquals(id, added.get("candidateId").asText());
                assertEquals("not_started", added.get("status").asText());
                assertTrue(added.get("run").isNull(), "a new candidate has no run: " + added);
            }
            STATE.candidates().merge(m, List.of(Fixtures.candidate("a", Map.of("team", "x"))));
            assertNull(listener.messages.poll(200, TimeUnit.MILLISECONDS), "metadata of a not-started candidate is no status, run or step");

            String first = claim(m, "a");
            listener.expect("a", "running");
            RunRecord run = STATE.runs().find(first).orElseThrow();
            assertTrue(STATE.runs().recordStep(run, step(StepStatus.DISPATCHED), Optional.of(CandidateStatus.RUNNING)));
            listener.expect("a", "running");
            assertTrue(STATE.runs().recordStep(run, step(StepStatus.FAILED), Optional.of(CandidateStatus.FAILED)));
            listener.expect("a", "failed");
            assertTrue(STATE.runs().finish(run, RunStatus.CANCELLED));
            listener.expect("a", "not_started");

            claim(m, "a");
            listener.expect("a", "running");
            assertFalse(STATE.runs().recordStep(run, step(StepStatus.SUCCEEDED), Optional.empty()), "the old run's late write");
            assertFalse(STATE.runs().finish(run, RunStatus.COMPLETED));
            assertNull(listener.messages.poll(300, TimeUnit.MILLISECONDS), "a write that changed nothing published nothing");

            RunRecord b = STATE.runs().find(claim(m, "b")).orElseThrow();
            listener.expect("b", "running");
            assertTrue(STATE.runs().finish(b, RunStatus.COMPLETED));
            listener.expect("b", "completed");

            String other = "events-publish-other";
            STATE.migrations().announce(Fixtures.migration(other), Fixtures.OWNER);
            STATE.candidates().merge(other, List.of(Fixtures.candidate("a", Map.of())));
            claim(other, "a");
            assertNull(listener.messages.poll(300, TimeUnit.MILLISECONDS), "another migration's changes go to its own channel");
        }
    }
}
