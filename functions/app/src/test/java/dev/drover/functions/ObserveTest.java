package dev.drover.functions;

import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
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
    private final int port;

    ObserveTest(Http1Client client, java.net.URI uri) {
        this.api = new Api(client);
        this.port = uri.getPort();
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
    void metricsArePrometheusTextForAuthenticatedCallersOnly() throws java.io.IOException {
        api.get("/migrations");
        assertEquals(401, api.anonymous().get("/observe/metrics").status());
        // Spellings of the same path that a router might normalize after the credential check saw the raw one.
        for (String path : List.of("/observe/metrics/", "/observe/./metrics", "//observe/metrics", "/observe/%6detrics",
                                   "/observe/metrics?x=1", "/observe/metrics;x=1", "/observe/x/../metrics", "/observe/Metrics")) {
            String status = rawGet(path);
            assertTrue(status.contains(" 401 ") || status.contains(" 404 ") || status.contains(" 400 "),
                       path + " answered '" + status + "' without a credential");
        }
        Api.Reply reply = api.get("/observe/metrics");
        assertEquals(200, reply.status());
        assertTrue(reply.contentType().startsWith("text/plain"), reply.contentType());
        assertTrue(reply.body().contains("# TYPE"), "Prometheus exposition format");
    }

    /** The status line of a GET sent as raw bytes: no client normalizes the path on the way. */
    private String rawGet(String path) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                                                   .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                                                                             java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
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
