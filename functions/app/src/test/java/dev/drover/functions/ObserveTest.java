package dev.drover.functions;

import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a platform operator's probes and dashboards see. */
@ServerTest
class ObserveTest {
    private static final RedisState STATE = TestState.create();
    private final Api api;

    ObserveTest(Http1Client client) {
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

    @Test
    void healthIsOpenToProbesAndSaysNothingButUpOrDown() {
        Api.Reply reply = api.anonymous().get("/observe/health/ready");
        assertEquals(204, reply.status(), "probes send no credential; the details stay inside");
        assertEquals("", reply.body());
        assertEquals(204, api.anonymous().get("/observe/health").status());
    }

    @Test
    void metricsArePrometheusTextForAuthenticatedCallersOnly() {
        api.get("/migrations");
        assertEquals(401, api.anonymous().get("/observe/metrics").status());
        Api.Reply reply = api.get("/observe/metrics");
        assertEquals(200, reply.status());
        assertTrue(reply.contentType().startsWith("text/plain"), reply.contentType());
        assertTrue(reply.body().contains("# TYPE"), "Prometheus exposition format");
    }

    @Test
    void everyResponseCarriesARequestId() {
        Api.Reply first = api.get("/migrations");
        Api.Reply second = api.get("/migrations/unknown");
        assertNotNull(first.requestId());
        assertNotNull(second.requestId());
        assertNotEquals(first.requestId(), second.requestId());
        Api.Reply given = api.send(io.helidon.http.Method.GET, "/migrations", Map.of("X-Request-Id", "trace-42"), null);
        assertEquals("trace-42", given.requestId());
    }
}
