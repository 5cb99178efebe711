package dev.drover.functions;

import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While Redis loads its data after a restart it answers every command with a LOADING error: functions
 * answer 503 state_unavailable with Retry-After (not 500 internal) and subscriptions ask for redelivery.
 */
@ServerTest
class RedisLoadingTest {
    private static final LoadingRedis REDIS = new LoadingRedis();
    private static final RedisState STATE = RedisState.connect(REDIS.url(), "drover-test-loading:");

    private final Api api;
    private final URI uri;

    RedisLoadingTest(Http1Client client, URI uri) {
        this.api = new Api(client);
        this.uri = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    @AfterAll
    static void close() {
        STATE.close();
        REDIS.close();
    }

    @Test
    void restCallsAnswer503StateUnavailableWithRetryAfter() {
        for (Api.Reply reply : List.of(api.get("/migrations"), api.get("/migrations/m"), api.get("/migrations/m/candidates"),
                                       api.postJson("/migrations/m/candidates", List.of(Fixtures.candidate("a", Map.of()))))) {
            assertEquals(503, reply.status(), reply.body());
            assertEquals("state_unavailable", reply.errorCode());
            assertTrue(reply.json().path("error").path("message").asText().contains("LOADING"), reply.body());
        }
        RawHttp.Response raw = RawHttp.exchange(uri, "GET /migrations HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                + TestTrust.admin(), new byte[0]);
        assertEquals(503, raw.status());
        assertEquals(Optional.of("5"), raw.header("Retry-After"));
    }

    @Test
    void announcementAsksForRedeliveryWithAReason() {
        Api.Reply reply = api.announce(Fixtures.migration("m"), Fixtures.OWNER);
        assertEquals(503, reply.status(), reply.body());
        assertEquals("RETRY", reply.json().get("status").asText());
        assertTrue(reply.json().path("message").asText().contains("LOADING"), reply.body());
    }
}
