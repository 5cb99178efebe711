package dev.drover.local.stack;

import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import dev.drover.core.json.Json;
import dev.drover.core.run.StepEvent;
import dev.drover.functions.runs.StepRelay;
import dev.drover.local.broker.Broker;
import dev.drover.local.broker.BrokerConfig;
import dev.drover.local.broker.Trigger;
import dev.drover.workflows.StepEvents;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The step relay between the buses: Dapr delivers to it, it pushes to the broker, the broker wakes the migrator. */
class StepRelayTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PREFIX = "drover-test-" + UUID.randomUUID() + ":";
    private static RedisClient redis;
    private static Broker broker;
    private static WebServer migrator;
    private static WebServer relay;
    private static WebServer relayToNowhere;
    private static final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        redis = RedisClient.create(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")));
        migrator = WebServer.builder().port(0).routing(r -> r.post("/steps", (req, res) -> {
            received.add(Map.of("migratorapp", req.headers().first(io.helidon.http.HeaderNames.create("ce-migratorapp")).orElse(""),
                                "id", req.headers().first(io.helidon.http.HeaderNames.create("ce-id")).orElse(""),
                                "body", req.content().as(String.class)));
            res.status(202).send();
        })).build().start();
        broker = Broker.start(BrokerConfig.defaults(redis, PREFIX).withBroker("drover", "default"));
        broker.addTrigger(new Trigger("chart", Map.of("type", StepEvent.TYPE, StepEvent.MIGRATOR_EXTENSION, "chart"),
                                      URI.create("http://127.0.0.1:" + migrator.port() + "/steps")));
        Settings settings = Settings.fromEnvironment(Map.of("DROVER_PORT", "0"));
        relay = FunctionServer.start(settings, List.of(new StepRelay(broker.ingressUri())), List.of(), List.of());
        relayToNowhere = FunctionServer.start(settings, List.of(new StepRelay(URI.create("http://127.0.0.1:1/drover/default"))),
                                              List.of(), List.of());
    }

    @AfterAll
    static void stop() {
        relay.stop();
        relayToNowhere.stop();
        broker.close();
        migrator.stop();
        StackKeys.drop(dev.drover.core.state.RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")), PREFIX));
        redis.close();
    }

    private static StepEvent event() {
        return new StepEvent("run-1", 1, 1, "m", new StepEvent.StepRef("bump", "bump", Map.of()),
                             new StepEvent.CandidateRef("c", "app", Map.of(), List.of()), Map.of(),
                             new StepEvent.Callback("http://x/event/run-1", "t"));
    }

    private static HttpResponse<String> deliver(WebServer to, byte[] body, String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + "/relay/steps"))
                                 .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStepEventReachesItsMigratorInBinaryModeWithItsExtension() throws Exception {
        StepEvent event = event();
        HttpResponse<String> answer = deliver(relay, StepEvents.structured(StepEvents.cloudEvent(event, "chart")),
                                              "application/cloudevents+json");
        assertEquals(200, answer.statusCode());
        assertEquals("{\"status\":\"SUCCESS\"}", answer.body());
        Map<String, String> pushed = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(pushed, "the migrator got nothing");
        assertEquals("chart", pushed.get("migratorapp"));
        assertEquals(StepEvents.eventId(event), pushed.get("id"));
        assertEquals(event, Json.read(pushed.get("body").getBytes(), StepEvent.class));
    }

    @Test
    void anUnreachableBrokerAsksDaprToRedeliver() throws Exception {
        HttpResponse<String> answer = deliver(relayToNowhere, StepEvents.structured(StepEvents.cloudEvent(event(), "chart")),
                                              "application/cloudevents+json");
        assertEquals(503, answer.statusCode());
        assertEquals("{\"status\":\"RETRY\"}", answer.body());
    }

    @Test
    void somethingThatIsNotAStepEventIsDropped() throws Exception {
        HttpResponse<String> plain = deliver(relay, "{\"hello\":1}".getBytes(), "application/json");
        assertEquals(200, plain.statusCode());
        assertEquals("{\"status\":\"DROP\"}", plain.body());
        HttpResponse<String> malformed = deliver(relay, "{\"specversion\":\"1.0\"}".getBytes(), "application/cloudevents+json");
        assertEquals(200, malformed.statusCode(), "a 4xx would make Dapr redeliver it");
        assertEquals("{\"status\":\"DROP\"}", malformed.body());
    }
}
