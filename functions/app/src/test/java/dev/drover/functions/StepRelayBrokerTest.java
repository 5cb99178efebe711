package dev.drover.functions;

import com.sun.net.httpserver.HttpServer;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step relay between Dapr and the broker: what it pushes (binary mode, every attribute as a header) and what it
 * tells Dapr for each answer of the broker: done (2xx), drop for good (a 4xx that will never pass), or redeliver
 * (404 and 429, which a broker answers while a trigger or its capacity is not there yet, 5xx, no answer).
 */
@ServerTest
class StepRelayBrokerTest {
    /** What the broker received: its headers (lower-case names) and body. */
    record Pushed(Map<String, String> headers, String body) {
    }

    private static final RedisState STATE = TestState.create();
    private static final BlockingQueue<Pushed> PUSHED = new LinkedBlockingQueue<>();
    private static final AtomicInteger ANSWER = new AtomicInteger(202);
    private static final HttpServer BROKER = broker();

    private final Api api;

    StepRelayBrokerTest(Http1Client client) {
        this.api = new Api(client);
    }

    /** A broker ingress on loopback that keeps what it is sent and answers {@link #ANSWER}. */
    private static HttpServer broker() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/drover/default", exchange -> {
                Map<String, String> headers = new java.util.TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values.getFirst()));
                PUSHED.add(new Pushed(headers, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                byte[] body = "{\"reason\":\"as told\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(ANSWER.get(), body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Platform withoutRuns = TestPlatform.withoutRuns(STATE);
        TestServer.configure(server, new Platform(STATE, withoutRuns.runs(),
                                                  URI.create("http://127.0.0.1:" + BROKER.getAddress().getPort() + "/drover/default"),
                                                  withoutRuns.history(), TestTrust.TRUST));
    }

    @AfterAll
    static void close() {
        BROKER.stop(0);
        TestState.drop(STATE);
    }

    @BeforeEach
    void reset() {
        PUSHED.clear();
        ANSWER.set(202);
    }

    /** A step event for app-chart-migrator as Dapr delivers it (structured), signed by the platform unless told. */
    private Api.Reply deliver(String id, String type, boolean signed) {
        String data = "{\"runId\":\"run-1\"}";
        String signature = Signatures.signEvent(TestTrust.KEYS, id, type, "app-chart-migrator", data.getBytes(StandardCharsets.UTF_8), Instant.now());
        String event = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/drover/runs\",\"type\":\"" + type
                + "\",\"migratorapp\":\"app-chart-migrator\"" + (signed ? ",\"droversig\":\"" + signature + "\"" : "")
                + ",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
        return api.sidecar().send(Method.POST, "/relay/steps", Map.of("Content-Type", "application/cloudevents+json"),
                                  event.getBytes(StandardCharsets.UTF_8));
    }

    private static Pushed pushed() throws InterruptedException {
        Pushed pushed = PUSHED.poll(5, TimeUnit.SECONDS);
        assertNotNull(pushed, "nothing reached the broker");
        return pushed;
    }

    @Test
    void aSignedStepEventGoesOnInBinaryModeWithEveryAttributeAndDaprIsToldItIsDone() throws Exception {
        Api.Reply reply = deliver("evt-1", StepEvent.TYPE, true);
        assertEquals(200, reply.status(), reply.body());
        assertEquals("SUCCESS", reply.json().get("status").asText());
        Pushed pushed = pushed();
        assertEquals("evt-1", pushed.headers().get("ce-id"));
        assertEquals(StepEvent.TYPE, pushed.headers().get("ce-type"));
        assertEquals("/drover/runs", pushed.headers().get("ce-source"));
        assertEquals("app-chart-migrator", pushed.headers().get("ce-migratorapp"), "the trigger's filter reads it");
        // The platform's signature travels unchanged: the migrator verifies it with the platform's public keys.
        TestTrust.TRUST.signatures().verifyEvent(pushed.headers().get("ce-droversig"), "app-chart-migrator", "evt-1", StepEvent.TYPE,
                                                 pushed.body().getBytes(StandardCharsets.UTF_8));
        assertEquals("application/json", pushed.headers().get("content-type"));
        assertEquals("{\"runId\":\"run-1\"}", pushed.body());
    }

    @Test
    void aBrokerThatRefusesTheEventForGoodMakesDaprDropItWithTheReason() throws Exception {
        for (int status : new int[] {400, 403, 413}) {
            ANSWER.set(status);
            Api.Reply reply = deliver("evt-refused-" + status, StepEvent.TYPE, true);
            assertEquals(200, reply.status(), reply.body());
            assertEquals("DROP", reply.json().get("status").asText(), status + ": " + reply.body());
            assertEquals("the broker refused the event for good (" + status + ")", reply.json().get("message").asText());
            pushed();
        }
    }

    @Test
    void aBrokerThatCannotTakeItYetMakesDaprRedeliverIt() throws Exception {
        for (int status : new int[] {404, 429, 500, 503}) {
            ANSWER.set(status);
            Api.Reply reply = deliver("evt-later-" + status, StepEvent.TYPE, true);
            assertEquals(503, reply.status(), status + ": " + reply.body());
            assertEquals("RETRY", reply.json().get("status").asText(), status + ": " + reply.body());
            pushed();
        }
    }

    @Test
    void whatThePlatformDidNotSignOrIsNoStepEventNeverReachesTheBroker() throws Exception {
        Api.Reply unsigned = deliver("evt-forged", StepEvent.TYPE, false);
        assertEquals(200, unsigned.status(), unsigned.body());
        assertEquals("DROP", unsigned.json().get("status").asText());
        assertTrue(unsigned.json().get("message").asText().contains("is not the platform's"), unsigned.body());
        Api.Reply other = deliver("evt-other", "dev.drover.something.else", true);
        assertEquals("DROP", other.json().get("status").asText(), other.body());
        assertTrue(other.json().get("message").asText().contains("not a step event"), other.body());
        assertNull(PUSHED.poll(300, TimeUnit.MILLISECONDS), "nothing was pushed");
    }
}
