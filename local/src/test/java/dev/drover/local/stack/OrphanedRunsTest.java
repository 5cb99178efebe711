package dev.drover.local.stack;

import dev.drover.core.model.CandidateStatus;
import dev.drover.core.model.DiscoveredCandidate;
import dev.drover.core.model.Migration;
import dev.drover.core.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.core.run.RunStatus;
import dev.drover.core.run.StepState;
import dev.drover.core.run.StepStatus;
import dev.drover.core.state.RedisState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** After a restart of the local stack, runs the in-memory Temporal server forgot give their candidates back. */
class OrphanedRunsTest {
    private static final String MIGRATION = "orphans";
    private final RedisState state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                        "drover-test-" + UUID.randomUUID() + ":");

    @AfterEach
    void drop() {
        StackKeys.drop(state);
        state.close();
    }

    @Test
    void runningAndFailedCandidatesGoBackToNotStartedAndTheRestStays() {
        List<Step> steps = List.of(new Step("prepare", "", "m", "noop", Map.of()), new Step("change", "", "m", "noop", Map.of()));
        state.migrations().announce(new Migration(MIGRATION, "Orphans", "", List.of(), steps, List.of()), "test-migrator");
        state.candidates().merge(MIGRATION, IntStream.rangeClosed(1, 4)
                .mapToObj(i -> new DiscoveredCandidate("demo-0" + i, "demo", Map.of(), List.of(), List.of())).toList());
        state.runs().claim(MIGRATION, "demo-01", "run-a", "t", steps);
        state.runs().claim(MIGRATION, "demo-02", "run-b", "t", steps);
        RunRecord failed = state.runs().find("run-b").orElseThrow();
        state.runs().recordStep(failed, new StepState("prepare", StepStatus.FAILED, 1, Map.of(), "boom", null, null, null),
                                Optional.of(CandidateStatus.FAILED));
        state.runs().claim(MIGRATION, "demo-03", "run-c", "t", steps);
        state.runs().finish(state.runs().find("run-c").orElseThrow(), RunStatus.COMPLETED);

        assertEquals(2, OrphanedRuns.cancelAll(state));

        var counts = state.migrations().find(MIGRATION).orElseThrow().candidates().byStatus();
        assertEquals(3, counts.get(CandidateStatus.NOT_STARTED));
        assertEquals(1, counts.get(CandidateStatus.COMPLETED));
        assertEquals(RunStatus.CANCELLED, state.runs().find("run-a").orElseThrow().status());
        assertEquals(RunStatus.CANCELLED, state.runs().find("run-b").orElseThrow().status());
        assertEquals(0, OrphanedRuns.cancelAll(state), "a second pass finds nothing");
    }
}
