package dev.drover.local.broker;

import dev.drover.local.Await;
import dev.drover.local.TestApp;
import dev.drover.local.TestApp.Received;
import dev.drover.local.TestApp.Reply;
import dev.drover.local.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.resps.StreamEntry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker stand-in over real sockets: events POSTed to its ingress in both CloudEvents modes, real
 * web servers as trigger subscribers and dead-letter sink, the machine's Redis underneath.
 */
class BrokerTest {
    private static final String STEP = "dev.drover.step.dispatched";
    /** Linear from 150 ms: retry 1 after 150 ms, retry 2 after 300 ms. */
    private static final DeliverySpec DELIVERY = DeliverySpec.of(2, "linear", "PT0.15S").withTimeout(Duration.ofSeconds(5));

    private static TestRedis redis;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String brokerName = "broker-" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        redis = TestRedis.create();
    }

    @AfterAll
    static void dropKeys() {
        redis.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
        http.close();
    }

    private BrokerConfig config(Trigger... triggers) {
        return BrokerConfig.defaults(redis.client(), redis.prefix())
                .withBroker("drover", brokerName)
                .withDelivery(DELIVERY)
                .withTriggers(List.of(triggers));
    }

    private Broker start(BrokerConfig config) {
        Broker broker = Broker.start(config);
        toClose.add(broker);
        return broker;
    }

    private TestApp app() {
        TestApp app = TestApp.start();
        toClose.add(app);
        return app;
    }

    private String events() {
        return redis.prefix() + "broker:drover:" + brokerName;
    }

    private String deadLetters() {
        return redis.prefix() + "broker-deadletter:drover:" + brokerName;
    }

    private int postBinary(Broker broker, String id, String type, String migrator, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(broker.ingressUri())
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-source", "/drover/runs")
                .header("ce-type", type)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (migrator != null) {
            request.header("ce-migratorapp", migrator);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int postStructured(Broker broker, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(broker.ingressUri())
                                 .header("Content-Type", "application/cloudevents+json")
                                 .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                         HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void awaitAcknowledged(String trigger) {
        Await.until("every event acknowledged by trigger " + trigger,
                    () -> redis.client().xpending(events(), trigger).getTotal() == 0);
    }

    private static void awaitReceived(TestApp app, String path, int count) {
        Await.until(count + " deliveries to " + path, () -> app.received(path).size() >= count);
    }

    private static List<String> ids(TestApp app, String path) {
        return app.received(path).stream().map(r -> r.header("ce-id")).toList();
    }

    @Test
    void binaryAndStructuredEventsAreAcceptedAndPushedInBinaryMode() throws Exception {
        TestApp app = app();
        Broker broker = start(config(new Trigger("everything", Map.of(), app.url("/all"))));
        assertEquals("/drover/" + brokerName, broker.ingressUri().getPath(), "Knative's /<namespace>/<broker>");

        String spaced = "{ \"step\" : \"bump-chart\" }";
        assertEquals(202, postBinary(broker, "binary-1", STEP, "chart-migrator", spaced));
        assertEquals(202, postStructured(broker, """
                {"specversion":"1.0","id":"structured-1","source":"/drover/runs","type":"%s",
                 "migratorapp":"kafka-migrator","datacontenttype":"application/json","data":{"step":"rename"}}""".formatted(STEP)));

        awaitReceived(app, "/all", 2);
        Received binary = app.received("/all").get(0);
        assertEquals("binary-1", binary.header("ce-id"));
        assertEquals("1.0", binary.header("ce-specversion"));
        assertEquals(STEP, binary.header("ce-type"));
        assertEquals("/drover/runs", binary.header("ce-source"));
        assertEquals("chart-migrator", binary.header("ce-migratorapp"));
        assertNotNull(binary.header("ce-knativearrivaltime"), "stamped by the ingress as Knative does");
        assertTrue(binary.header("content-type").startsWith("application/json"));
        assertArrayEquals(spaced.getBytes(StandardCharsets.UTF_8), binary.body(), "the data, byte for byte");

        Received structured = app.received("/all").get(1);
        assertEquals("structured-1", structured.header("ce-id"));
        assertEquals("kafka-migrator", structured.header("ce-migratorapp"));
        assertTrue(structured.header("content-type").startsWith("application/json"));
        assertEquals("rename", structured.json().path("step").asText(), "structured data arrives as the body");
        awaitAcknowledged("everything");
    }

    @Test
    void whatIsNotACloudEventIsRefusedAndNotStored() throws Exception {
        Broker broker = start(config());
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(broker.ingressUri())
                                                       .header("Content-Type", "application/json")
                                                       .POST(HttpRequest.BodyPublishers.ofString("{\"step\":\"x\"}")).build(),
                                               HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode());
        assertEquals(400, postStructured(broker, "{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\"}"), "no id");
        assertEquals(400, postStructured(broker, "not json"));
        assertEquals(405, http.send(HttpRequest.newBuilder(broker.ingressUri()).GET().build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(404, http.send(HttpRequest.newBuilder(broker.ingressUri().resolve("/drover/other-broker"))
                                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(0, redis.client().exists(events()) ? redis.client().xlen(events()) : 0);
    }

    @Test
    void eachTriggerGetsOnlyTheEventsItsFilterMatches() throws Exception {
        TestApp chart = app();
        TestApp kafka = app();
        Broker broker = start(config(
                new Trigger("chart-migrator", Map.of("type", STEP, "migratorapp", "chart-migrator"), chart.url("/")),
                new Trigger("kafka-migrator", Map.of("type", STEP, "migratorapp", "kafka-migrator"), kafka.url("/"))));

        // Sent first, so each trigger has passed over them by the time its own event arrives.
        assertEquals(202, postBinary(broker, "other-type", "dev.drover.something.else", "chart-migrator", "{}"));
        assertEquals(202, postBinary(broker, "no-migrator", STEP, null, "{}"));
        assertEquals(202, postBinary(broker, "for-chart", STEP, "chart-migrator", "{}"));
        assertEquals(202, postBinary(broker, "for-kafka", STEP, "kafka-migrator", "{}"));

        awaitReceived(chart, "/", 1);
        awaitReceived(kafka, "/", 1);
        awaitAcknowledged("chart-migrator");
        awaitAcknowledged("kafka-migrator");
        assertEquals(List.of("for-chart"), ids(chart, "/"));
        assertEquals(List.of("for-kafka"), ids(kafka, "/"));
        assertEquals("chart-migrator", chart.received("/").getFirst().header("ce-migratorapp"));
    }

    @Test
    void a503IsRetriedAfterTheBackoffThenDelivered() throws Exception {
        TestApp app = app().answer("/step", n -> n == 1 ? Reply.of(503) : Reply.of(202));
        Broker broker = start(config(new Trigger("flaky", Map.of(), app.url("/step"))));

        java.time.Instant posted = java.time.Instant.now();
        assertEquals(202, postBinary(broker, "retry-me", STEP, "chart-migrator", "{}"));

        awaitReceived(app, "/step", 2);
        List<Received> received = app.received("/step");
        assertEquals(List.of("retry-me", "retry-me"), ids(app, "/step"));
        // The delay runs from the first attempt's start, which is after the post: measured from the post, a load that
        // slows the first delivery cannot make a retry after the backoff look like one at once (CI failed so when it
        // was measured between the two receptions).
        assertTrue(Duration.between(posted, received.get(1).at()).compareTo(DELIVERY.delayBefore(2)) >= 0,
                   "retried after the backoff delay, not at once");
        awaitAcknowledged("flaky");
        Await.quietFor(DELIVERY.delayBefore(3).multipliedBy(2));
        assertEquals(2, app.received("/step").size());
        assertFalse(redis.client().exists(deadLetters()));
    }

    @Test
    void a400GoesToTheDeadLetterStreamWithoutRetries() throws Exception {
        TestApp app = app().answer("/step", n -> new Reply(400, "{\"error\":\"bad step\"}"));
        Broker broker = start(config(new Trigger("strict", Map.of(), app.url("/step"))));

        assertEquals(202, postBinary(broker, "refused-1", STEP, "chart-migrator", "{}"));

        Await.until("a dead letter", () -> redis.client().exists(deadLetters()));
        List<StreamEntry> entries = redis.client().xrange(deadLetters(), "-", "+");
        assertEquals(1, entries.size());
        Map<String, String> fields = entries.getFirst().getFields();
        assertEquals("strict", fields.get("trigger"));
        assertEquals("400", fields.get("status"));
        assertEquals("1", fields.get("attempts"));
        assertTrue(fields.get("event").contains("refused-1"));
        awaitAcknowledged("strict");
        Await.quietFor(DELIVERY.delayBefore(2).multipliedBy(3));
        assertEquals(1, app.received("/step").size(), "not retried");
    }

    @Test
    void exhaustedRetriesGoToTheDeadLetterSinkWithKnativesErrorExtensions() throws Exception {
        TestApp subscriber = app().answer("/step", n -> new Reply(500, "{\"error\":\"boom\"}"));
        TestApp sink = app();
        Trigger trigger = new Trigger("doomed", Map.of(), subscriber.url("/step"),
                                      java.util.Optional.of(DELIVERY.withDeadLetterSink(sink.url("/dead"))));
        Broker broker = start(config(trigger));

        assertEquals(202, postBinary(broker, "doomed-1", STEP, "chart-migrator", "{\"n\":1}"));

        awaitReceived(sink, "/dead", 1);
        assertEquals(DELIVERY.maxAttempts(), subscriber.received("/step").size(), "the first attempt and every retry");
        Received dead = sink.received("/dead").getFirst();
        assertEquals("doomed-1", dead.header("ce-id"));
        assertEquals("chart-migrator", dead.header("ce-migratorapp"));
        assertEquals("500", dead.header("ce-knativeerrorcode"));
        assertEquals(subscriber.url("/step").toString(), dead.header("ce-knativeerrordest"));
        assertEquals("{\"error\":\"boom\"}", new String(Base64.getDecoder().decode(dead.header("ce-knativeerrordata")),
                                                         StandardCharsets.UTF_8));
        assertEquals("{\"n\":1}", dead.text());
        awaitAcknowledged("doomed");
        assertFalse(redis.client().exists(deadLetters()), "the sink took it");
    }

    @Test
    void aTriggerSeesTheEventsAcceptedAfterItWasAdded() throws Exception {
        TestApp app = app();
        Broker broker = start(config());
        assertEquals(202, postBinary(broker, "before", STEP, "chart-migrator", "{}"));

        broker.addTrigger(new Trigger("late", Map.of(), app.url("/late")));
        assertEquals(202, postBinary(broker, "after", STEP, "chart-migrator", "{}"));

        awaitReceived(app, "/late", 1);
        awaitAcknowledged("late");
        assertEquals(List.of("after"), ids(app, "/late"));
    }

    @Test
    void anUndeliveredEventSurvivesARestartOfTheBroker() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        TestApp app = app().answer("/step", n -> up.get() ? Reply.of(200) : Reply.of(503));
        BrokerConfig config = config(new Trigger("durable", Map.of(), app.url("/step")))
                .withDelivery(DeliverySpec.of(50, "linear", "PT0.1S"));

        Broker first = Broker.start(config);
        toClose.add(first);
        assertEquals(202, postBinary(first, "durable-1", STEP, "chart-migrator", "{}"));
        awaitReceived(app, "/step", 1);
        first.close();
        assertEquals(1, redis.client().xpending(events(), "durable").getTotal(), "left pending by the first broker");

        up.set(true);
        int before = app.received("/step").size();
        start(config);
        Await.until("delivery by the second broker", () -> app.received("/step").size() > before);
        assertEquals("durable-1", app.received("/step").getLast().header("ce-id"));
        awaitAcknowledged("durable");
    }
}
