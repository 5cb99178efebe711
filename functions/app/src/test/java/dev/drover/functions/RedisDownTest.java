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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Without Redis, functions say so (503, a code, readiness down) and announcements ask to be redelivered. */
@ServerTest
class RedisDownTest {
    /** Nothing listens on port 1: every Redis call fails to connect. */
    private static final RedisState STATE = RedisState.connect(URI.create("redis://127.0.0.1:1"), "drover-test-down:");

    private final Api api;

    RedisDownTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    @AfterAll
    static void close() {
        STATE.close();
    }

    @Test
    void restCallsAnswer503StateUnavailable() {
        for (Api.Reply reply : List.of(api.get("/migrations"), api.get("/migrations/m"),
                                       api.get("/migrations/m/candidates"),
                                       api.postJson("/migrations/m/candidates", List.of(Fixtures.candidate("a", java.util.Map.of()))))) {
            assertEquals(503, reply.status(), reply.body());
            assertEquals("state_unavailable", reply.errorCode());
        }
    }

    @Test
    void announcementAsksForRedelivery() {
        Api.Reply reply = api.announce(Fixtures.migration("m"), Fixtures.OWNER);
        assertEquals(503, reply.status());
        assertEquals("RETRY", reply.json().get("status").asText());
    }

    @Test
    void readinessIsDown() {
        Api.Reply reply = api.get("/observe/health/ready");
        assertEquals(503, reply.status());
    }
}
