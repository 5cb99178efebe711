package dev.drover.functions;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.core.state.CandidatePage;
import dev.drover.core.state.CandidateQuery;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two discoveries submitting overlapping lists at once end as if one had gone first. */
@ServerTest
class ConcurrentSubmitTest {
    private static final RedisState STATE = TestState.create();
    private static final int ROUNDS = 20;

    private final Api api;

    ConcurrentSubmitTest(Http1Client client) {
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

    /** Candidates from..to-1, each with values that say which discovery sent it. */
    private static List<DiscoveredCandidate> discovery(String who, int from, int to) {
        List<DiscoveredCandidate> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            batch.add(Fixtures.candidate("app-%04d".formatted(i), "kind-" + who, Map.of("source", who, "seen-by-" + who, "yes"),
                                         List.of(), List.of()));
        }
        return batch;
    }

    /** The state of a migration's candidates without timestamps, in id order. */
    private static List<List<Object>> snapshot(String migrationId) {
        List<List<Object>> rows = new ArrayList<>();
        String after = "";
        while (true) {
            CandidatePage page = STATE.candidates().page(migrationId, new CandidateQuery(Optional.empty(), Map.of(), after, 500));
            for (Candidate c : page.items()) {
                rows.add(List.of(c.id(), c.kind(), c.metadata(), c.files(), c.steps(), c.status()));
            }
            if (page.nextAfterId().isEmpty()) {
                return rows;
            }
            after = page.nextAfterId().get();
        }
    }

    private void announceAndSubmit(String migrationId, List<List<DiscoveredCandidate>> batches) {
        api.announce(Fixtures.migration(migrationId), Fixtures.OWNER);
        batches.forEach(batch -> assertEquals(200, api.postJson("/migrations/" + migrationId + "/candidates", batch).status()));
    }

    @Test
    void overlappingConcurrentSubmissionsEndInTheStateOfSomeSerialOrder() throws Exception {
        List<DiscoveredCandidate> a = discovery("a", 0, 300);
        List<DiscoveredCandidate> b = discovery("b", 150, 450);
        announceAndSubmit("serial-ab", List.of(a, b));
        announceAndSubmit("serial-ba", List.of(b, a));
        List<List<Object>> ab = snapshot("serial-ab");
        List<List<Object>> ba = snapshot("serial-ba");
        assertEquals(450, ab.size());
        assertTrue(!ab.equals(ba), "the two serial orders must differ, or this test proves nothing");

        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < ROUNDS; round++) {
                String migrationId = "concurrent-" + round;
                api.announce(Fixtures.migration(migrationId), Fixtures.OWNER);
                CountDownLatch start = new CountDownLatch(1);
                var first = CompletableFuture.supplyAsync(() -> submitAfter(start, migrationId, a), pool);
                var second = CompletableFuture.supplyAsync(() -> submitAfter(start, migrationId, b), pool);
                start.countDown();
                assertEquals(200, first.get());
                assertEquals(200, second.get());

                List<List<Object>> result = snapshot(migrationId);
                assertTrue(result.equals(ab) || result.equals(ba),
                           "round " + round + " ended in a state no serial order produces");
                assertEquals(450, api.get("/migrations/" + migrationId).json().get("candidates").get("byStatus")
                        .get("not_started").asLong());
            }
        }
    }

    private int submitAfter(CountDownLatch start, String migrationId, List<DiscoveredCandidate> batch) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return api.postJson("/migrations/" + migrationId + "/candidates", batch).status();
    }
}
