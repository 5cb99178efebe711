package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import dev.drover.functions.events.EventHub;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GET /migrations/{id}/events over real HTTP, read line by line as a browser's EventSource would, while real runs
 * move on Temporal's in-process test server and a migrator calls back over HTTP.
 */
@ServerTest
class MigrationEventsTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));
    private static final String START = "{\"inputs\":{\"target-version\":\"3.0.0\"}}";

    private final Api api;
    private final URI server;

    MigrationEventsTest(Http1Client client, URI server) {
        this.api = new Api(client);
        this.server = server;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, RUNS.platform);
    }

    @AfterAll
    static void close() {
        RUNS.close();
        TestState.drop(STATE);
    }

    /** One event as the stream sent it. */
    record Event(String name, String data) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A client of one stream: reads its lines on a thread of its own and parses them into events (and comments). */
    private final class EventClient implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final HttpResponse<java.util.stream.Stream<String>> response;

        EventClient(String migrationId) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(server.resolve("/migrations/" + migrationId + "/events"))
                    .header("Authorization", "Bearer " + TestTrust.viewer())
                    .header("Accept", "text/event-stream")
                    .build();
            response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request, HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            Thread.ofVirtual().start(() -> {
                String name = "message";
                StringBuilder data = new StringBuilder();
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.isEmpty()) {
                            if (!data.isEmpty()) {
                                events.add(new Event(name, data.toString()));
                            }
                            name = "message";
                            data.setLength(0);
                        } else if (line.startsWith(":")) {
                            events.add(new Event("comment", line));
                        } else if (line.startsWith("event:")) {
                            name = line.substring("event:".length()).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring("data:".length()).trim());
                        }
                    }
                } catch (UncheckedIOException e) {
                    // closed by the test
                }
            });
        }

        /** The next event named {@code name} that matches, skipping others; fails after {@code seconds}. */
        Event await(String name, Predicate<JsonNode> matches, double seconds) throws InterruptedException {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            List<Event> skipped = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                Event event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : events.poll();
                if (event == null) {
                    fail("no " + name + " event matched within " + seconds + " s; got " + skipped);
                }
                skipped.add(event);
                if (event.name().equals(name) && matches.test(event.json())) {
                    return event;
                }
            }
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private static void assertValid(String schema, Event event) {
        List<String> problems = Contract.get().problems("/components/schemas/" + schema, event.data());
        assertTrue(problems.isEmpty(), event + " breaks schemas/openapi.yaml: " + problems);
    }

    private void migration(String m, String... candidates) {
        STATE.migrations().announce(Fixtures.migration(m), Fixtures.OWNER);
        STATE.candidates().merge(m, java.util.Arrays.stream(candidates).map(id -> Fixtures.candidate(id, Map.of())).toList());
    }

    private Api.Reply callback(StepEvent event, String status, Map<String, String> metadata) {
        return api.as(TestTrust.migrator("app-chart-migrator")).postJson(
                "/event/" + event.runId(), Map.of("stepName", event.step().name(), "dispatch", event.dispatch(), "status", status,
                                                  "metadata", metadata, "message", status + " here", "token", event.callback().token()));
    }

    /** The subscriber connections of this server's event hub, as Redis sees them. */
    private static long subscribers() {
        String name = EventHub.clientName(STATE.keys().prefix());
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(TestState.redisUrl())) {
            return jedis.clientList().lines().filter(line -> line.contains(" name=" + name + " ")).count();
        }
    }

    /**
     * Waits until the hub holds no subscription. A stream whose client went away is noticed at its next write, so each
     * round asks the feeds of this class's migrations for their counts again (a write to each of their streams).
     */
    private static void awaitNoSubscriber() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (subscribers() != 0) {
            assertTrue(System.nanoTime() < deadline, "subscribers: " + subscribers() + ", expected none");
            for (String m : List.of("live-one", "live-two", "live-shared-a", "live-shared-b", "live-refused", "live-idle", "live-reconnect")) {
                STATE.redis().publish(STATE.keys().events(m), "{\"type\":\"counts\"}");
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aStreamSaysTheCountsThenEveryChangeOfARunToItsEndAndNothingOfOtherMigrations() throws Exception {
        migration("live-one", "checkout", "payments");
        migration("live-two", "elsewhere");
        try (EventClient stream = new EventClient("live-one")) {
            Event first = stream.events.poll(5, TimeUnit.SECONDS);
            assertNotNull(first, "no first event");
            assertEquals("counts", first.name(), "counts come first");
            assertValid("CountsEvent", first);
            assertEquals(2, first.json().get("total").asInt());
            assertEquals(2, first.json().get("byStatus").get("not_started").asInt());

            assertEquals(202, api.post("/migrations/live-two/candidates/elsewhere/start", START).status());
            StepEvent elsewhere = RUNS.nextEvent();
            assertEquals(202, api.post("/migrations/live-one/candidates/checkout/start", START).status());
            StepEvent bump = RUNS.nextEvent();
            Event running = stream.await("candidate", data -> data.get("run").path("step").path("status").asText().equals("dispatched"), 5);
            assertValid("CandidateEvent", running);
            assertEquals("running", running.json().get("status").asText());
            stream.await("counts", data -> data.get("byStatus").get("running").asInt() == 1, 5);

            callback(bump, "pending", Map.of("changeUrl", "https://git.example/pr/9"));
            Event pending = stream.await("candidate", data -> data.get("run").get("step").get("status").asText().equals("pending"), 5);
            assertEquals("https://git.example/pr/9", pending.json().get("run").get("step").get("metadata").get("changeUrl").asText());
            assertEquals("pending here", pending.json().get("run").get("step").get("message").asText());

            callback(bump, "merged", Map.of());
            StepEvent verify = RUNS.nextEvent();
            callback(verify, "succeeded", Map.of());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!api.get("/migrations/live-one/candidates/checkout").json().get("status").asText().equals("completed")) {
                assertTrue(System.nanoTime() < deadline, "the run never completed");
                Thread.sleep(10);
            }
            // Within a second of the run's end being readable, the stream has said so.
            Event completed = stream.await("candidate", data -> data.get("run").get("status").asText().equals("completed"), 1);
            assertValid("CandidateEvent", completed);
            assertEquals("checkout", completed.json().get("candidateId").asText());
            assertEquals("completed", completed.json().get("status").asText());
            stream.await("counts", data -> data.get("byStatus").get("completed").asInt() == 1, 2);

            callback(elsewhere, "failed", Map.of());
            Thread.sleep(500);
            List<Event> rest = new ArrayList<>();
            stream.events.drainTo(rest);
            for (Event event : rest) {
                if (!event.name().equals("comment")) {
                    assertEquals("live-one", event.json().get("migrationId").asText(), "another migration's change: " + event);
                }
            }
        }
    }

    @Test
    void twoStreamsShareOneSubscriptionWhichEndsWithThem() throws Exception {
        migration("live-shared-a", "a1");
        migration("live-shared-b", "b1");
        awaitNoSubscriber(); // nobody watches (any more): no connection

        try (EventClient a = new EventClient("live-shared-a"); EventClient sameAgain = new EventClient("live-shared-a"); EventClient b = new EventClient("live-shared-b")) {
            assertEquals(1, subscribers(), "three streams, one subscription");
            a.await("counts", data -> true, 5);
            sameAgain.await("counts", data -> true, 5);
            b.await("counts", data -> true, 5);
            STATE.candidates().merge("live-shared-a", List.of(Fixtures.candidate("a2", Map.of())));
            for (EventClient stream : List.of(a, sameAgain)) {
                Event added = stream.await("candidate", data -> data.get("candidateId").asText().equals("a2"), 2);
                assertValid("CandidateEvent", added);
                assertTrue(added.json().get("run").isNull());
                assertEquals("not_started", added.json().get("status").asText());
            }
            STATE.candidates().merge("live-shared-b", List.of(Fixtures.candidate("b2", Map.of())));
            b.await("candidate", data -> data.get("candidateId").asText().equals("b2"), 2);

            // A rollout's changes, as the rollouts publish them, pass through as they are.
            STATE.redis().publish(STATE.keys().events("live-shared-b"),
                                  "{\"type\":\"rollout\",\"rolloutId\":\"r-1\",\"migrationId\":\"live-shared-b\",\"status\":\"paused\"}");
            Event rollout = b.await("rollout", data -> true, 2);
            assertEquals("{\"rolloutId\":\"r-1\",\"migrationId\":\"live-shared-b\",\"status\":\"paused\"}", rollout.data());

            // What nobody can read on the channel is skipped, and the stream goes on.
            for (String unreadable : List.of("not json", "[1,2]", "{\"type\":\"mystery\",\"secret\":1}")) {
                STATE.redis().publish(STATE.keys().events("live-shared-b"), unreadable);
            }
            STATE.redis().publish(STATE.keys().events("live-shared-b"), "{\"type\":\"rollout\",\"rolloutId\":\"r-2\"}");
            List<Event> before = new ArrayList<>();
            Event next;
            while ((next = b.events.poll(2, TimeUnit.SECONDS)) != null && !next.data().contains("\"r-2\"")) {
                before.add(next);
            }
            assertNotNull(next, "the stream went on to r-2; before it: " + before);
            assertEquals("rollout", next.name());
            assertFalse(before.stream().anyMatch(e -> e.data().contains("secret") || e.name().equals("mystery")), before.toString());
        }
        awaitNoSubscriber();
    }

    @Test
    void aStreamGoesOnWhenRedisDropsTheSubscriptionAndSaysTheCountsItMissed() throws Exception {
        migration("live-reconnect", "r1");
        try (EventClient stream = new EventClient("live-reconnect")) {
            assertEquals(1, stream.await("counts", data -> true, 5).json().get("total").asInt());
            // Redis drops the hub's connection (a failover, a restart, CLIENT KILL): the hub reconnects after a pause
            String name = EventHub.clientName(STATE.keys().prefix());
            try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(TestState.redisUrl())) {
                String line = jedis.clientList().lines().filter(l -> l.contains(" name=" + name + " ")).findFirst().orElseThrow();
                String addr = java.util.Arrays.stream(line.split(" ")).filter(f -> f.startsWith("addr=")).findFirst().orElseThrow()
                        .substring("addr=".length());
                jedis.clientKill(addr);
            }
            // what changes while nobody listens is not heard as it happens; the counts say it once the hub is back
            STATE.candidates().merge("live-reconnect", List.of(Fixtures.candidate("r2", Map.of())));
            Event counts = stream.await("counts", data -> data.get("total").asInt() == 2, 10);
            assertValid("CountsEvent", counts);
            assertEquals(1, subscribers(), "one subscription again");
            STATE.candidates().merge("live-reconnect", List.of(Fixtures.candidate("r3", Map.of())));
            stream.await("candidate", data -> data.get("candidateId").asText().equals("r3"), 5);
        }
        awaitNoSubscriber();
    }

    @Test
    void anIdleStreamSaysItIsAliveEveryFifteenSeconds() throws Exception {
        migration("live-idle", "i1");
        try (EventClient stream = new EventClient("live-idle")) {
            stream.await("counts", data -> true, 5);
            long start = System.nanoTime();
            Event keepalive = stream.events.poll(17, TimeUnit.SECONDS);
            assertEquals(new Event("comment", ": keepalive"), keepalive, "an idle stream's only line");
            assertTrue(System.nanoTime() - start > TimeUnit.SECONDS.toNanos(14), "not before the 15 s are up");
        }
    }

    @Test
    void refusalsComeBeforeTheStreamInDroversShape() {
        String path = "/migrations/live-refused/events";
        migration("live-refused", "x");
        Api.Reply anonymous = api.anonymous().send(Method.GET, path, Map.of("Accept", "text/event-stream"), null);
        assertEquals(401, anonymous.status());
        Api.Reply unknown = api.send(Method.GET, "/migrations/nope/events", Map.of("Accept", "text/event-stream"), null);
        assertEquals(404, unknown.status());
        assertEquals("migration_not_found", unknown.errorCode());
        Api.Reply json = api.send(Method.GET, path, Map.of("Accept", "application/json"), null);
        assertEquals(406, json.status());
        assertEquals("not_acceptable", json.errorCode());
        Api.Reply refusedType = api.send(Method.GET, path, Map.of("Accept", "text/event-stream;q=0, application/json"), null);
        assertEquals(406, refusedType.status());
        Api.Reply unknownQuery = api.send(Method.GET, path + "?since=5", Map.of("Accept", "text/event-stream"), null);
        assertEquals(400, unknownQuery.status());
        assertEquals("invalid_query", unknownQuery.errorCode());
    }
}
