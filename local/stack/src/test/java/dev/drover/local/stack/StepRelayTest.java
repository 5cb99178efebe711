package dev.drover.local.stack;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.AuthErrors;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.auth.PlatformAuthenticator;
import dev.drover.core.auth.Principal;
import dev.drover.core.function.FunctionServer;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import dev.drover.core.function.Settings;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    /** The platform's key, which signs step events, and the relay that checks them. */
    private static final SigningKeys KEYS = SigningKeys.generate();
    private static final String APP_TOKEN = "app-token";
    private static final Authenticator SIDECAR = (req, access) -> {
        if (access != Access.SIDECAR || !req.headers().first(PlatformAuthenticator.DAPR_API_TOKEN).orElse("").equals(APP_TOKEN)) {
            throw AuthErrors.unauthenticated("missing_credential", "not the sidecar");
        }
        return new Principal.Sidecar();
    };

    @BeforeAll
    static void start() {
        redis = RedisClient.create(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")));
        migrator = WebServer.builder().port(0).routing(r -> r.post("/steps", (req, res) -> {
            received.add(Map.of("migratorapp", req.headers().first(io.helidon.http.HeaderNames.create("ce-migratorapp")).orElse(""),
                                "id", req.headers().first(io.helidon.http.HeaderNames.create("ce-id")).orElse(""),
                                "signature", req.headers().first(io.helidon.http.HeaderNames.create("ce-droversig")).orElse(""),
                                "body", req.content().as(String.class)));
            res.status(202).send();
        })).build().start();
        broker = Broker.start(BrokerConfig.defaults(redis, PREFIX).withBroker("drover", "default"));
        broker.addTrigger(new Trigger("chart", Map.of("type", StepEvent.TYPE, StepEvent.MIGRATOR_EXTENSION, "chart"),
                                      URI.create("http://127.0.0.1:" + migrator.port() + "/steps")));
        Settings settings = Settings.fromEnvironment(Map.of("DROVER_PORT", "0"));
        relay = FunctionServer.start(settings, List.of(new StepRelay(broker.ingressUri(), SignatureVerifier.of(KEYS))), List.of(),
                                     List.of(), SIDECAR);
        relayToNowhere = FunctionServer.start(settings, List.of(new StepRelay(URI.create("http://127.0.0.1:1/drover/default"),
                                                                              SignatureVerifier.of(KEYS))),
                                              List.of(), List.of(), SIDECAR);
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
                             new StepEvent.CallbackAddress("http://x/event/run-1", "t"));
    }

    private static HttpResponse<String> deliver(WebServer to, byte[] body, String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + "/relay/steps"))
                                 .header("dapr-api-token", APP_TOKEN)
                                 .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStepEventReachesItsMigratorInBinaryModeWithItsExtension() throws Exception {
        StepEvent event = event();
        HttpResponse<String> answer = deliver(relay, StepEvents.structured(StepEvents.cloudEvent(event, "chart", KEYS, Instant.now())),
                                              "application/cloudevents+json");
        assertEquals(200, answer.statusCode());
        assertEquals("{\"status\":\"SUCCESS\"}", answer.body());
        Map<String, String> pushed = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(pushed, "the migrator got nothing");
        assertEquals("chart", pushed.get("migratorapp"));
        assertEquals(StepEvents.eventId(event), pushed.get("id"));
        assertEquals(event, Json.read(pushed.get("body").getBytes(), StepEvent.class));
        assertFalse(pushed.get("signature").isEmpty(), "the platform's signature goes on with the event");
    }

    @Test
    void aForgedStepEventNeverReachesAMigrator() throws Exception {
        StepEvent event = event();
        CloudEvent unsigned = CloudEventBuilder.v1(StepEvents.cloudEvent(event, "chart", KEYS, Instant.now()))
                .withoutExtension(Signatures.EVENT_EXTENSION).build();
        CloudEvent otherKey = StepEvents.cloudEvent(event, "chart", SigningKeys.generate(), Instant.now());
        CloudEvent tampered = CloudEventBuilder.v1(StepEvents.cloudEvent(event, "chart", KEYS, Instant.now()))
                .withData("application/json", Json.bytes(new StepEvent("run-1", 1, 1, "m", event.step(),
                        new StepEvent.CandidateRef("../../../../tmp/x", "app", Map.of(), List.of()), Map.of(),
                        new StepEvent.CallbackAddress("http://attacker.example/event/run-1", "t")))).build();
        CloudEvent otherApp = CloudEventBuilder.v1(StepEvents.cloudEvent(event, "other", KEYS, Instant.now()))
                .withExtension(StepEvent.MIGRATOR_EXTENSION, "chart").build();
        for (CloudEvent forged : List.of(unsigned, otherKey, tampered, otherApp)) {
            HttpResponse<String> answer = deliver(relay, StepEvents.structured(forged), "application/cloudevents+json");
            assertEquals(200, answer.statusCode());
            assertEquals("DROP", Json.mapper().readTree(answer.body()).get("status").asText(), "dropped, never pushed on");
        }
        assertNull(received.poll(500, TimeUnit.MILLISECONDS), "no forged event reached the migrator");
        HttpResponse<String> noSidecar = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.port() + "/relay/steps"))
                                                           .header("Content-Type", "application/cloudevents+json")
                                                           .POST(HttpRequest.BodyPublishers.ofByteArray(
                                                                   StepEvents.structured(StepEvents.cloudEvent(event, "chart", KEYS, Instant.now()))))
                                                           .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noSidecar.statusCode(), "only the Dapr sidecar delivers to a subscription");
        assertNull(received.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void anUnreachableBrokerAsksDaprToRedeliver() throws Exception {
        HttpResponse<String> answer = deliver(relayToNowhere, StepEvents.structured(StepEvents.cloudEvent(event(), "chart", KEYS, Instant.now())),
                                              "application/cloudevents+json");
        assertEquals(503, answer.statusCode());
        assertEquals("{\"status\":\"RETRY\"}", answer.body());
    }

    @Test
    void somethingThatIsNotAStepEventIsDropped() throws Exception {
        HttpResponse<String> plain = deliver(relay, "{\"hello\":1}".getBytes(), "application/json");
        assertEquals(200, plain.statusCode());
        assertEquals("DROP", Json.mapper().readTree(plain.body()).get("status").asText()); // with a "message" saying why
        HttpResponse<String> malformed = deliver(relay, "{\"specversion\":\"1.0\"}".getBytes(), "application/cloudevents+json");
        assertEquals(200, malformed.statusCode(), "a 4xx would make Dapr redeliver it");
        assertEquals("DROP", Json.mapper().readTree(malformed.body()).get("status").asText());
    }
}
