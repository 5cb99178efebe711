package dev.drover.functions;

import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.history.Metrics;
import dev.drover.workflows.outbox.HistoryOutboxWriter;
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
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With the history database gone, requests still succeed (their history waits in the Redis outbox, which the
 * functions write instead of the database) and history reads answer 503.
 */
@ServerTest
class HistoryDownTest {
    private static final RedisState STATE = TestState.create();
    /** PostgreSQL where nothing listens, connected as Main does: the functions start and serve without it. */
    private static final History GONE = History.connect(new HistorySettings("jdbc:postgresql://127.0.0.1:1/test",
                                                                            Optional.empty(), Optional.empty(), 2));

    private final Api api;
    private final URI uri;

    HistoryDownTest(Http1Client client, URI uri) {
        this.api = new Api(client);
        this.uri = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, new Platform(STATE, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                                                  URI.create("http://127.0.0.1:1/drover/default"), GONE, TestTrust.TRUST));
    }

    @AfterAll
    static void close() {
        GONE.close();
        TestState.drop(STATE);
    }

    @Test
    void discoveryAndInputEditsStillSucceed() {
        STATE.migrations().announce(new dev.drover.contract.model.Migration("down", "Down", "", List.of(),
                                                                        Fixtures.migration("down").steps(),
                                                                        List.of(new dev.drover.contract.model.Input("v", "", ""))), "test-migrator");
        Api.Reply submitted = api.postJson("/migrations/down/candidates", List.of(Fixtures.candidate("a", Map.of())));
        assertEquals(200, submitted.status(), submitted.body());
        assertEquals(1, submitted.json().get("added").asInt());
        Api.Reply edited = api.send(Method.PATCH, "/migrations/down/candidates/a/inputs", Map.of("Content-Type", "application/json"),
                                    "{\"v\":\"2\"}".getBytes());
        assertEquals(200, edited.status(), edited.body());
        // The submission and the inputs edit wait in the outbox for the history writer, nothing was lost.
        assertEquals(2, STATE.redis().xlen(STATE.keys().historyOutbox()));
        // The database comes back (here: another one): the history writer catches up, each entry once.
        try (History back = TestPlatform.history()) {
            HistoryOutboxWriter writer = new HistoryOutboxWriter(STATE.redis(), STATE.keys(), back, "test");
            assertEquals(2, writer.drainAll());
            assertEquals(1, back.queries().totals(Optional.of("down")).candidates().submissions());
            assertEquals("inputs", back.queries().audit(new Metrics.AuditFilter("down", null, null, null), Optional.empty(), 10)
                    .items().getFirst().action());
        }
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
