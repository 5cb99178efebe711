package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /migrations/{id}/candidates: paging, status, metadata and id-prefix filters, and their combinations. */
@ServerTest
class CandidatePagingTest {
    private static final RedisState STATE = TestState.create();
    private static final String M = "paging";
    private static final int COUNT = 1234;

    private final Api api;

    CandidatePagingTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    /** 1234 candidates: team t0..t6 by i % 7, env prod for even i; every 10th is running, every 25th completed. */
    @BeforeAll
    static void load() {
        STATE.migrations().announce(Fixtures.migration(M), "test-migrator");
        List<DiscoveredCandidate> all = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            all.add(Fixtures.candidate(id(i), i % 2 == 0 ? Map.of("team", "t" + i % 7, "env", "prod")
                                                         : Map.of("team", "t" + i % 7)));
        }
        STATE.candidates().merge(M, all);
        for (int i = 0; i < COUNT; i++) {
            if (i % 25 == 0) {
                TestState.runTo(STATE, M, id(i), CandidateStatus.COMPLETED);
            } else if (i % 10 == 0) {
                TestState.runTo(STATE, M, id(i), CandidateStatus.RUNNING);
            }
        }
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    private static String id(int i) {
        return "app-%05d".formatted(i);
    }

    /** Every id the filter yields, walking pages of the given size; also checks each page's size. */
    private List<String> walk(String filter, int limit) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String query = "?limit=" + limit + (filter.isEmpty() ? "" : "&" + filter) + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = api.get("/migrations/" + M + "/candidates" + query).json();
            assertTrue(page.get("items").size() <= limit);
            page.get("items").forEach(item -> ids.add(item.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            assertTrue(++pages <= COUNT + 1, "paging does not end");
        } while (cursor != null);
        return ids;
    }

    private static List<String> expected(java.util.function.IntPredicate keep) {
        return IntStream.range(0, COUNT).filter(keep).mapToObj(CandidatePagingTest::id).toList();
    }

    @Test
    void pagingVisitsEveryCandidateOnceInIdOrder() {
        for (int limit : new int[] {7, 50, 500}) {
            assertEquals(expected(i -> true), walk("", limit), "limit " + limit);
        }
        assertEquals(expected(i -> i % 25 == 0), walk("status=completed", 1), "limit 1");
    }

    @Test
    void defaultPageHoldsFiftyAndSaysWhereToGoOn() {
        JsonNode page = api.get("/migrations/" + M + "/candidates").json();
        assertEquals(50, page.get("items").size());
        assertEquals(id(0), page.get("items").get(0).get("id").asText());
        assertTrue(page.get("nextCursor").isTextual());
    }

    @Test
    void statusFilterReturnsOnlyThatStatus() {
        assertEquals(expected(i -> i % 10 == 0 && i % 25 != 0), walk("status=running", 50));
        assertEquals(expected(i -> i % 25 == 0), walk("status=completed", 13));
        assertEquals(expected(i -> i % 10 != 0 && i % 25 != 0), walk("status=not_started", 500));
        assertEquals(List.of(), walk("status=failed", 50));
    }

    @Test
    void metadataFiltersCombineWithEachOtherAndWithStatus() {
        assertEquals(expected(i -> i % 7 == 3), walk("meta.team=t3", 50));
        assertEquals(expected(i -> i % 7 == 3 && i % 2 == 0), walk("meta.team=t3&meta.env=prod", 50));
        assertEquals(expected(i -> i % 7 == 3 && i % 10 == 0 && i % 25 != 0), walk("meta.team=t3&status=running", 3));
        assertEquals(List.of(), walk("meta.team=nobody", 50));
    }

    @Test
    void idPrefixFiltersAndPagesAndCombinesWithTheOtherFilters() {
        assertEquals(expected(i -> i >= 100 && i < 200), walk("idPrefix=app-001", 7));
        assertEquals(expected(i -> i >= 1200), walk("idPrefix=app-012", 50));
        assertEquals(expected(i -> i == 1233), walk("idPrefix=app-01233", 50));
        assertEquals(expected(i -> true), walk("idPrefix=app-", 500));
        assertEquals(List.of(), walk("idPrefix=app-1", 50));
        assertEquals(List.of(), walk("idPrefix=zzz", 50));
        assertEquals(List.of(), walk("idPrefix=a.", 50), "'.' sorts before digits: the range must not leak into app-");
        assertEquals(expected(i -> i >= 100 && i < 200 && i % 7 == 3), walk("idPrefix=app-001&meta.team=t3", 2));
        assertEquals(expected(i -> i >= 1000 && i % 10 == 0 && i % 25 != 0), walk("idPrefix=app-01&status=running", 3));
        assertEquals(expected(i -> i >= 1000 && i % 2 == 0 && i % 7 == 0 && i % 25 == 0),
                     walk("idPrefix=app-01&status=completed&meta.env=prod&meta.team=t0", 1));
    }

    @Test
    void idPrefixReadsOnlyItsRangeOfTheIndexNotTheIdsBeforeIt() {
        // More ids before the prefix than one page read may look at (5000): a walk from the start would stop there
        // with an empty page; the prefix's range starts at its first id.
        String m = "paging-prefix";
        STATE.migrations().announce(Fixtures.migration(m), "test-migrator");
        List<DiscoveredCandidate> batch = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            batch.add(Fixtures.candidate("a-%05d".formatted(i), Map.of()));
            if (batch.size() == 2000) {
                STATE.candidates().merge(m, batch);
                batch.clear();
            }
        }
        STATE.candidates().merge(m, List.of(Fixtures.candidate("zz-1", Map.of()), Fixtures.candidate("zz-2", Map.of())));
        JsonNode page = api.get("/migrations/" + m + "/candidates?idPrefix=zz-").json();
        assertEquals(2, page.get("items").size(), page.toString());
        assertTrue(page.get("nextCursor").isNull());
        JsonNode withStatus = api.get("/migrations/" + m + "/candidates?idPrefix=zz-&status=not_started&limit=1").json();
        assertEquals("zz-1", withStatus.get("items").get(0).get("id").asText());
        JsonNode next = api.get("/migrations/" + m + "/candidates?idPrefix=zz-&status=not_started&limit=1&cursor="
                                        + withStatus.get("nextCursor").asText()).json();
        assertEquals("zz-2", next.get("items").get(0).get("id").asText());
        assertTrue(next.get("nextCursor").isNull());
    }

    @Test
    void everyItemOfAPageIsAFullCandidate() {
        JsonNode first = api.get("/migrations/" + M + "/candidates?limit=1&meta.env=prod").json().get("items").get(0);
        assertEquals(id(0), first.get("id").asText());
        assertEquals("completed", first.get("status").asText());
        assertEquals("t0", first.get("metadata").get("team").asText());
        assertEquals("production", first.get("files").get(0).get("name").asText());
    }

    @Test
    void countsComeWithTheMigration() {
        JsonNode counts = api.get("/migrations/" + M).json().get("candidates");
        long completed = expected(i -> i % 25 == 0).size();
        long running = expected(i -> i % 10 == 0 && i % 25 != 0).size();
        assertEquals(COUNT, counts.get("total").asLong());
        assertEquals(completed, counts.get("byStatus").get("completed").asLong());
        assertEquals(running, counts.get("byStatus").get("running").asLong());
        assertEquals(COUNT - completed - running, counts.get("byStatus").get("not_started").asLong());
        assertEquals(0, counts.get("byStatus").get("failed").asLong());
        JsonNode listed = api.get("/migrations").json().get("items").get(0);
        assertEquals(counts, listed.get("candidates"));
        assertTrue(listed.get("steps").isArray());
    }

    @Test
    void badQueriesAreRefusedWithAStableCode() {
        String base = "/migrations/" + M + "/candidates";
        for (String query : new String[] {"?limit=0", "?limit=501", "?limit=ten", "?status=done", "?stauts=running",
                "?limit=5&limit=6", "?meta.=x", "?meta.b%20ad=x", "?idPrefix=", "?idPrefix=App", "?idPrefix=-app",
                "?idPrefix=a%20b", "?idPrefix=a&idPrefix=b", "?idPrefix=" + "a".repeat(101)}) {
            Api.Reply reply = api.get(base + query);
            assertEquals(400, reply.status(), query + " -> " + reply.body());
            assertEquals("invalid_query", reply.errorCode(), query);
        }
        for (String cursor : new String[] {"not-base64!", "QUJD"}) {
            Api.Reply reply = api.get(base + "?cursor=" + cursor);
            assertEquals(400, reply.status(), cursor);
            assertEquals("invalid_cursor", reply.errorCode(), cursor);
        }
        assertEquals("migration_not_found", api.get("/migrations/nope/candidates").errorCode());
    }
}
