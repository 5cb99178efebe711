package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.model.Step;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The merge table of POST /migrations/{id}/candidates, row by row. */
@ServerTest
class CandidateMergeTest {
    private static final RedisState STATE = TestState.create();
    private static final List<FileGroup> NEW_FILES =
            List.of(new FileGroup("staging", "https://git.example/gitops", List.of(new FileRef("apps/x/staging.yaml", ""))));
    private static final List<Step> OWN_STEPS = List.of(new Step("only-step", "", "other-migrator", "t", Map.of()));

    private final Api api;

    CandidateMergeTest(Http1Client client) {
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

    private String announce(String id) {
        api.announce(Fixtures.migration(id), Fixtures.OWNER);
        return id;
    }

    private JsonNode submit(String migration, Object batch) {
        Api.Reply reply = api.postJson("/migrations/" + migration + "/candidates", batch);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private JsonNode candidate(String migration, String id) {
        return api.get("/migrations/" + migration + "/candidates/" + id).json();
    }

    private static void assertCounts(JsonNode result, long added, long updated, long unchanged, long untouched) {
        assertEquals(added, result.get("added").asLong(), "added in " + result);
        assertEquals(updated, result.get("updated").asLong(), "updated in " + result);
        assertEquals(unchanged, result.get("unchanged").asLong(), "unchanged in " + result);
        assertEquals(untouched, result.get("untouched").asLong(), "untouched in " + result);
    }

    @Test
    void newCandidatesAreAddedAsNotStarted() {
        String m = announce("merge-new");
        assertCounts(submit(m, List.of(Fixtures.candidate("a", Map.of("team", "x")), Fixtures.candidate("b", Map.of()))),
                     2, 0, 0, 0);
        JsonNode a = candidate(m, "a");
        assertEquals("not_started", a.get("status").asText());
        assertEquals("x", a.get("metadata").get("team").asText());
        assertEquals("application", a.get("kind").asText());
        assertEquals("apps/a/values.yaml", a.get("files").get(0).get("files").get(0).get("path").asText());
        assertEquals(2, api.get("/migrations/" + m).json().get("candidates").get("byStatus").get("not_started").asLong());
    }

    @Test
    void notStartedCandidateTakesNewKindFilesAndStepsButKeepsStoredMetadataValues() {
        String m = announce("merge-not-started");
        submit(m, List.of(Fixtures.candidate("a", Map.of("team", "operator-edited", "owner", "ann"))));

        JsonNode result = submit(m, List.of(Fixtures.candidate("a", "service",
                                                               Map.of("team", "rediscovered", "tier", "gold"),
                                                               NEW_FILES, OWN_STEPS)));
        assertCounts(result, 0, 1, 0, 0);
        JsonNode a = candidate(m, "a");
        assertEquals("service", a.get("kind").asText());
        assertEquals("staging", a.get("files").get(0).get("name").asText());
        assertEquals("only-step", a.get("steps").get(0).get("name").asText());
        assertEquals("operator-edited", a.get("metadata").get("team").asText(), "stored value wins");
        assertEquals("gold", a.get("metadata").get("tier").asText(), "new key is added");
        assertEquals("ann", a.get("metadata").get("owner").asText(), "key absent from rediscovery is kept");
        assertEquals("not_started", a.get("status").asText());
    }

    /**
     * A discovery that copies candidates back from a read sends their status: the platform keeps its own and says so,
     * whether the body is the plain array or wrapped in {@code candidates}.
     */
    @Test
    void aSubmittedStatusIsIgnoredWithAWarningInEitherForm() {
        String m = announce("merge-status");
        String candidate = "{\"id\":\"%s\",\"kind\":\"application\",\"metadata\":{},\"files\":[],\"steps\":[],\"status\":\"completed\"}";
        for (String body : List.of("[" + candidate.formatted("plain") + "]", "{\"candidates\":[" + candidate.formatted("wrapped") + "]}")) {
            Api.Reply reply = api.send(Method.POST, "/migrations/" + m + "/candidates", Map.of("Content-Type", "application/json"),
                                       body.getBytes(StandardCharsets.UTF_8));
            assertEquals(200, reply.status(), body + " -> " + reply.body());
            String id = body.startsWith("[") ? "plain" : "wrapped";
            assertEquals("ignored the status of 1 candidate(s) (" + id + "): a candidate's status is the platform's, set by its runs",
                         reply.json().get("warnings").get(0).asText(), body);
            assertEquals("not_started", candidate(m, id).get("status").asText(), body);
        }
    }

    @Test
    void resubmittingTheSameCandidateChangesNothing() {
        String m = announce("merge-same");
        var batch = List.of(Fixtures.candidate("a", Map.of("team", "x")));
        submit(m, batch);
        String updatedAt = candidate(m, "a").get("updatedAt").asText();
        assertCounts(submit(m, batch), 0, 0, 1, 0);
        assertEquals(updatedAt, candidate(m, "a").get("updatedAt").asText());
    }

    @Test
    void runningFailedAndCompletedCandidatesAreUntouched() {
        String m = announce("merge-owned");
        submit(m, List.of(Fixtures.candidate("running", Map.of("team", "x")),
                          Fixtures.candidate("failed", Map.of("team", "x")),
                          Fixtures.candidate("completed", Map.of("team", "x"))));
        TestState.runTo(STATE, m, "running", CandidateStatus.RUNNING);
        TestState.runTo(STATE, m, "failed", CandidateStatus.FAILED);
        TestState.runTo(STATE, m, "completed", CandidateStatus.COMPLETED);
        var before = List.of(candidate(m, "running"), candidate(m, "failed"), candidate(m, "completed"));

        JsonNode result = submit(m, List.of(
                Fixtures.candidate("running", "other", Map.of("team", "y", "extra", "1"), NEW_FILES, OWN_STEPS),
                Fixtures.candidate("failed", "other", Map.of("extra", "1"), NEW_FILES, OWN_STEPS),
                Fixtures.candidate("completed", "other", Map.of("extra", "1"), NEW_FILES, OWN_STEPS)));
        assertCounts(result, 0, 0, 0, 3);
        assertEquals(before, List.of(candidate(m, "running"), candidate(m, "failed"), candidate(m, "completed")));
        JsonNode byStatus = api.get("/migrations/" + m).json().get("candidates").get("byStatus");
        assertEquals(1, byStatus.get("running").asLong());
        assertEquals(1, byStatus.get("failed").asLong());
        assertEquals(1, byStatus.get("completed").asLong());
        assertEquals(0, byStatus.get("not_started").asLong());
    }

    @Test
    void candidatesAbsentFromASubmissionAreKept() {
        String m = announce("merge-absent");
        submit(m, List.of(Fixtures.candidate("a", Map.of()), Fixtures.candidate("b", Map.of())));
        assertCounts(submit(m, List.of(Fixtures.candidate("c", Map.of()))), 1, 0, 0, 0);
        assertEquals(3, api.get("/migrations/" + m).json().get("candidates").get("total").asLong());
        assertEquals(200, api.get("/migrations/" + m + "/candidates/a").status());
    }

    @Test
    void aMixedSubmissionAppliesEachRowToItsCandidate() {
        String m = announce("merge-mixed");
        submit(m, List.of(Fixtures.candidate("same", Map.of()), Fixtures.candidate("changes", Map.of()),
                          Fixtures.candidate("owned", Map.of())));
        TestState.runTo(STATE, m, "owned", CandidateStatus.RUNNING);
        assertCounts(submit(m, List.of(Fixtures.candidate("same", Map.of()),
                                       Fixtures.candidate("changes", Map.of("new", "key")),
                                       Fixtures.candidate("owned", Map.of("new", "key")),
                                       Fixtures.candidate("fresh", Map.of()))),
                     1, 1, 1, 1);
    }

    @Test
    void rediscoveredMetadataKeysAreFilterableAndStoredValuesKeepTheirIndex() {
        String m = announce("merge-index");
        submit(m, List.of(Fixtures.candidate("a", Map.of("team", "blue"))));
        submit(m, List.of(Fixtures.candidate("a", Map.of("team", "red", "env", "prod"))));
        assertEquals(1, api.get("/migrations/" + m + "/candidates?meta.team=blue").json().get("items").size());
        assertEquals(0, api.get("/migrations/" + m + "/candidates?meta.team=red").json().get("items").size());
        assertEquals(1, api.get("/migrations/" + m + "/candidates?meta.env=prod").json().get("items").size());
    }

    @Test
    void submittingToAnUnknownMigrationIs404AndStoresNothing() {
        Api.Reply reply = api.postJson("/migrations/never-announced/candidates", List.of(Fixtures.candidate("a", Map.of())));
        assertEquals(404, reply.status());
        assertEquals("migration_not_found", reply.errorCode());
        assertEquals(0, STATE.redis().exists(STATE.keys().candidate("never-announced", "a")) ? 1 : 0);
    }
}
