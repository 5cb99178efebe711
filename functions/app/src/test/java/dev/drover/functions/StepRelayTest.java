package dev.drover.functions;

import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A signed step event whose attributes cannot travel as HTTP headers (binary mode to the broker) is
 * dropped with the reason, never a 500: Dapr would redeliver a 500 forever.
 */
@ServerTest
class StepRelayTest {
    private static final RedisState STATE = TestState.create();
    private final Api api;

    StepRelayTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    /** A structured CloudEvent as JSON text: {@code \\u} escapes carry NUL and lone surrogates as Dapr would. */
    private Api.Reply relay(String idJson, String sourceJson, String id) {
        String data = "{}";
        String signature = Signatures.signEvent(TestTrust.KEYS, id, StepEvent.TYPE, "app-chart-migrator",
                                                data.getBytes(StandardCharsets.UTF_8), Instant.now());
        String event = "{\"specversion\":\"1.0\",\"id\":" + idJson + ",\"source\":" + sourceJson + ",\"type\":\"" + StepEvent.TYPE
                + "\",\"migratorapp\":\"app-chart-migrator\",\"droversig\":\"" + signature
                + "\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
        return api.sidecar().send(Method.POST, "/relay/steps", Map.of("Content-Type", "application/cloudevents+json"),
                                  event.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unrelayableAttributesAreDroppedWithAReason() {
        Map<String, String> ids = Map.of("NUL", "a\u0000b", "CR LF", "a\r\nX-Injected: 1", "U+2028", "a\u2028b",
                                         "emoji", "a\uD83D\uDE00b", "BOM", "\uFEFFa", "lone surrogate", "a\uD800b");
        ids.forEach((what, id) -> {
            StringBuilder json = new StringBuilder("\"");
            id.chars().forEach(c -> json.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : Character.toString(c)));
            Api.Reply reply = relay(json.append('"').toString(), "\"/drover/runs\"", id);
            assertEquals(200, reply.status(), what + ": " + reply.body());
            assertEquals("DROP", reply.json().get("status").asText(), what + ": " + reply.body());
            assertFalse(reply.json().path("message").asText().isBlank(), what + ": a DROP says why");
        });
    }

    @Test
    void aNullDataIsDroppedWithAReason() {
        Api.Reply reply = api.sidecar().send(Method.POST, "/relay/steps", Map.of("Content-Type", "application/cloudevents+json"),
                                             ("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"" + StepEvent.TYPE
                                                     + "\",\"data\":null}").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, reply.status(), reply.body());
        assertEquals("DROP", reply.json().get("status").asText());
        assertFalse(reply.json().path("message").asText().isBlank());
    }

    @Test
    void anUnreachableBrokerMakesDaprRedeliverTheEvent() {
        // This platform's broker is 127.0.0.1:1, where nothing listens.
        Api.Reply reply = relay("\"evt-unreachable\"", "\"/drover/runs\"", "evt-unreachable");
        assertEquals(503, reply.status(), reply.body());
        assertEquals("RETRY", reply.json().get("status").asText());
    }
}
