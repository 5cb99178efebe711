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

/** Without Temporal a start is refused with 503 and the candidate stays startable; a cancel too, and nothing changes. */
@ServerTest
class RunsUnavailableTest {
    private static final RedisState STATE = TestState.create();
    private final Api api;

    RunsUnavailableTest(Http1Client client) {
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
    void startAnswers503AndLeavesTheCandidateNotStarted() {
        STATE.migrations().announce(Fixtures.migration("no-temporal"), "test-migrator");
        STATE.candidates().merge("no-temporal", List.of(Fixtures.candidate("a", Map.of())));
        Api.Reply reply = api.post("/migrations/no-temporal/candidates/a/start", "{\"inputs\":{\"target-version\":\"1\"}}");
        assertEquals(503, reply.status(), reply.body());
        assertEquals("runs_unavailable", reply.errorCode());
        assertEquals("not_started", api.get("/migrations/no-temporal/candidates/a").json().get("status").asText());
        assertEquals(1, STATE.migrations().find("no-temporal").orElseThrow().candidates().byStatus()
                .get(dev.drover.contract.model.CandidateStatus.NOT_STARTED));
        assertEquals(Map.of(), STATE.runs().inputs("no-temporal", "a"), "the inputs of a start that did not happen are not saved");
    }

    @Test
    void cancelAnswers503AndTheRunGoesOn() {
        dev.drover.contract.model.Migration migration = Fixtures.migration("no-temporal-cancel");
        STATE.migrations().announce(migration, "test-migrator");
        STATE.candidates().merge("no-temporal-cancel", List.of(Fixtures.candidate("b", Map.of())));
        // a run started while Temporal was there: claimed in the state store
        STATE.runs().claim("no-temporal-cancel", "b", "run-b", "hash", migration.steps());
        Api.Reply reply = api.post("/migrations/no-temporal-cancel/candidates/b/cancel", "");
        assertEquals(503, reply.status(), reply.body());
        assertEquals("runs_unavailable", reply.errorCode());
        assertEquals("running", api.get("/migrations/no-temporal-cancel/candidates/b").json().get("status").asText());
        assertEquals(dev.drover.contract.run.RunStatus.RUNNING, STATE.runs().find("run-b").orElseThrow().status());
    }
}
