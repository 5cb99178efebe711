package dev.drover.migrator;

import dev.drover.contract.run.StepEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory of pending steps, in process and in the machine's real Redis: one step per candidate, the newest. */
class PendingStepsTest {
    private static PendingSteps open(String where) {
        return where.equals("memory") ? PendingSteps.inMemory()
                : PendingSteps.inRedis(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                       "drover-test-" + UUID.randomUUID() + ":pending");
    }

    private static StepEvent event(String candidate, int dispatch) {
        return new StepEvent("run-1", 1, dispatch, "m", new StepEvent.StepRef("await", "await-merge", Map.of("b", "2", "a", "1")),
                             new StepEvent.CandidateRef(candidate, "application", Map.of("team", "payments"), List.of()), Map.of(),
                             new StepEvent.CallbackAddress("http://127.0.0.1:1/event/run-1", "t"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void aNewerDispatchIsKeptWhenTheOlderOneIsForgotten(String where) {
        try (PendingSteps pending = open(where)) {
            pending.remember(event("checkout", 1));
            pending.remember(event("ledger", 1));
            pending.remember(event("checkout", 2));
            pending.forget(event("checkout", 1));
            assertEquals(2, pending.find("m", "checkout").orElseThrow().dispatch(), "the newer dispatch stays");
            assertEquals(2, pending.all().size());

            pending.forget(event("checkout", 2));
            pending.forget(event("ledger", 1));
            assertTrue(pending.find("m", "checkout").isEmpty());
            assertTrue(pending.all().isEmpty());
        }
    }
}
