package dev.drover.functions;

import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With the history database gone, writes are skipped (requests still succeed) and history reads answer 503. */
@ServerTest
class HistoryDownTest {
    private static final RedisState STATE = TestState.create();
    /** Opened, then closed: every statement fails as it would with the database down. */
    private static final History GONE = gone();

    private final Api api;
    private final URI uri;

    HistoryDownTest(Http1Client client, URI uri) {
        this.api = new Api(client);
        this.uri = uri;
    }

    private static History gone() {
        History history = TestPlatform.history();
        history.close();
        return history;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, new Platform(STATE, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                                                  URI.create("http://127.0.0.1:1/drover/default"), GONE, TestTrust.TRUST));
    }

    @AfterAll
    static void close() {
        TestState.drop(STATE);
    }

    @Test
    void discoveryAndInputEditsStillSucceed() {
        STATE.migrations().announce(new dev.drover.core.model.Migration("down", "Down", "", List.of(),
                                                                        Fixtures.migration("down").steps(),
                                                                        List.of(new dev.drover.core.model.Input("v", "", ""))), "test-migrator");
        Api.Reply submitted = api.postJson("/migrations/down/candidates", List.of(Fixtures.candidate("a", Map.of())));
        assertEquals(200, submitted.status(), submitted.body());
        assertEquals(1, submitted.json().get("added").asInt());
        Api.Reply edited = api.send(Method.PATCH, "/migrations/down/candidates/a/inputs", Map.of("Content-Type", "application/json"),
                                    "{\"v\":\"2\"}".getBytes());
        assertEquals(200, edited.status(), edited.body());
        assertEquals(2, GONE.recorder().failures());
    }

    @Test
    void historyReadsAnswer503HistoryUnavailable() {
        for (String path : List.of("/history/totals", "/history/burndown", "/history/steps", "/history/failures", "/history/audit")) {
            Api.Reply reply = api.get(path);
            assertEquals(503, reply.status(), path + " " + reply.body());
            assertEquals("history_unavailable", reply.errorCode(), path);
        }
        RawHttp.Response raw = RawHttp.exchange(uri, "GET /history/totals HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                + TestTrust.admin(), new byte[0]);
        assertEquals(503, raw.status(), raw.body());
        assertEquals(java.util.Optional.of("5"), raw.header("Retry-After"), "a transient fault says when to retry");
    }
}
