package dev.drover.local.stack;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.state.RedisState;
import dev.drover.core.history.EventKind;
import dev.drover.history.History;
import dev.drover.core.history.HistoryEvent;
import dev.drover.history.HistorySettings;
import dev.drover.history.Metrics;
import dev.drover.core.history.OutboxEntry;
import dev.drover.workflows.outbox.HistoryOutboxWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After a restart of the local stack, runs the in-memory Temporal server forgot give their candidates back,
 * their steps end cancelled and the history counts them cancelled, not active.
 */
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
        Instant at = Instant.now();
        for (String[] run : new String[][] {{"demo-01", "run-a"}, {"demo-02", "run-b"}, {"demo-03", "run-c"}}) {
            state.runs().claim(MIGRATION, run[0], run[1], "t", steps,
                               OutboxEntry.encode(HistoryEvent.runStarted(run[1], MIGRATION, run[0], 0, at)));
        }
        RunRecord running = state.runs().find("run-a").orElseThrow();
        state.runs().recordStep(running, new StepState("prepare", StepStatus.DISPATCHED, 1, Map.of(), "", at, at, null),
                                Optional.of(CandidateStatus.RUNNING));
        RunRecord failed = state.runs().find("run-b").orElseThrow();
        state.runs().recordStep(failed, new StepState("prepare", StepStatus.FAILED, 1, Map.of(), "boom", null, null, null),
                                Optional.of(CandidateStatus.FAILED));
        RunRecord completed = state.runs().find("run-c").orElseThrow();
        state.runs().finish(completed, RunStatus.COMPLETED, OutboxEntry.encode(HistoryEvent.runEnded(
                EventKind.RUN_COMPLETED, "run-c", MIGRATION, "demo-03", 1, at, Duration.ZERO)));

        assertEquals(2, OrphanedRuns.cancelAll(state));

        var counts = state.migrations().find(MIGRATION).orElseThrow().candidates().byStatus();
        assertEquals(3, counts.get(CandidateStatus.NOT_STARTED));
        assertEquals(1, counts.get(CandidateStatus.COMPLETED));
        assertEquals(RunStatus.CANCELLED, state.runs().find("run-a").orElseThrow().status());
        assertEquals(RunStatus.CANCELLED, state.runs().find("run-b").orElseThrow().status());
        assertEquals(0, OrphanedRuns.cancelAll(state), "a second pass finds nothing");

        // No step of a cancelled run is left dispatched or failed...
        for (String candidate : List.of("demo-01", "demo-02")) {
            state.runs().stepStates(MIGRATION, candidate).values().forEach(step -> assertTrue(
                    step.status() == StepStatus.CANCELLED || step.status() == StepStatus.NOT_STARTED, candidate + " " + step));
        }
        assertEquals(StepStatus.CANCELLED, state.runs().stepState(MIGRATION, "demo-01", "prepare").orElseThrow().status());
        // ...and the history agrees with Redis: 3 started, 1 completed, 2 cancelled, none active.
        try (History history = History.open(HistorySettings.inMemory("orphans-" + UUID.randomUUID()))) {
            new HistoryOutboxWriter(state.redis(), state.keys(), history, "test").drainAll();
            assertEquals(new Metrics.Runs(3, 1, 2, 0), history.queries().totals(Optional.of(MIGRATION)).runs());
        }
    }
}
