package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The page and {@code GET /migrations/{id}} answer from responses kept while the migration is unchanged
 * (RenderedReads, ADR 0018): after every kind of change, the next read shows it, however often it was read before.
 */
@ServerTest
class KeptReadsTest {
    private static final RedisState STATE = TestState.create();

    private final Api api;

    KeptReadsTest(Http1Client client) {
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

    /** Each candidate of the first page as "id:status", read twice so the second read is a kept one. */
    private List<String> page(String m) {
        api.get("/migrations/" + m + "/candidates?limit=50");
        JsonNode page = api.get("/migrations/" + m + "/candidates?limit=50").json();
        return StreamSupport.stream(page.get("items").spliterator(), false)
                .map(item -> item.get("id").asText() + ":" + item.get("status").asText()).toList();
    }

    private JsonNode migration(String m) {
        api.get("/migrations/" + m);
        return api.get("/migrations/" + m).json();
    }

    @Test
    void everyChangeIsInTheNextRead() {
        String m = "kept-reads";
        STATE.migrations().announce(Fixtures.migration(m), Fixtures.OWNER);
        STATE.candidates().merge(m, List.of(Fixtures.candidate("a", Map.of())));
        assertEquals(List.of("a:not_started"), page(m));
        assertEquals(1, migration(m).get("candidates").get("total").asInt());

        STATE.candidates().merge(m, List.of(Fixtures.candidate("b", Map.of())));
        assertEquals(List.of("a:not_started", "b:not_started"), page(m), "a new candidate");
        assertEquals(2, migration(m).get("candidates").get("total").asInt());

        TestState.runTo(STATE, m, "a", CandidateStatus.RUNNING);
        assertEquals(List.of("a:running", "b:not_started"), page(m), "a run's start");
        assertEquals(1, migration(m).get("candidates").get("byStatus").get("running").asInt());

        TestState.runTo(STATE, m, "b", CandidateStatus.FAILED);
        assertEquals(List.of("a:running", "b:failed"), page(m), "a failed step");

        STATE.migrations().announce(Fixtures.migration(m).withMigratorUrl("http://moved.example"), Fixtures.OWNER);
        assertEquals("http://moved.example", migration(m).get("migratorUrl").asText(), "a new definition");

        STATE.migrations().transfer(m, "next-owner");
        assertEquals("next-owner", migration(m).get("owner").asText(), "a transfer");
    }

    @Test
    void aKeptAnswerIsStillOnlyForItsOwnerAndPeople() {
        String m = "kept-owned";
        STATE.migrations().announce(Fixtures.migration(m), Fixtures.OWNER);
        assertEquals(200, api.get("/migrations/" + m).status());
        assertEquals(200, api.as(TestTrust.migrator(Fixtures.OWNER)).get("/migrations/" + m).status());
        Api.Reply other = api.as(TestTrust.migrator("other-migrator")).get("/migrations/" + m);
        assertEquals(List.of(403, "not_owner"), List.of(other.status(), other.errorCode()));
        Api.Reply unknown = api.as(TestTrust.migrator(Fixtures.OWNER)).get("/migrations/never-announced");
        assertEquals(List.of(404, "migration_not_found"), List.of(unknown.status(), unknown.errorCode()));
        assertEquals(404, api.get("/migrations/never-announced/candidates").status());
    }
}
