package dev.drover.workflows.rollout;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.state.RedisState;
import dev.drover.core.run.RunRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rollout's reconciliation reads Redis for how its runs in flight ended, in case a run's signal never came: each
 * kind of end is told apart, and a run still going, or a failed candidate's older run, is not an end.
 */
class RolloutActivitiesImplTest {
    private static final String M = "ended-m";
    private static final List<Step> STEPS = List.of(new Step("bump", "", "test-migrator", "bump", Map.of()));

    private final RedisState state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                        "drover-test-" + UUID.randomUUID() + ":");
    private final RolloutActivitiesImpl activities = new RolloutActivitiesImpl(state, null);

    @AfterEach
    void close() {
        state.deleteAllKeys();
        state.close();
    }

    private RunRecord claimed(String candidateId, String runId) {
        state.runs().claim(M, candidateId, runId, "hash", STEPS);
        return state.runs().find(runId).orElseThrow();
    }

    private void failStep(RunRecord run) {
        Instant now = Instant.now();
        state.runs().recordStep(run, new StepState("bump", StepStatus.FAILED, 1, Map.of(), "no", now, now, now),
                                Optional.of(CandidateStatus.FAILED));
    }

    @Test
    void eachRunThatEndedIsToldHowAndRunsStillGoingAreNot() {
        state.migrations().announce(new Migration(M, "Test", "", List.of(), STEPS, List.of()), "test-migrator");
        state.candidates().merge(M, List.of("done", "failed", "going", "cancelled", "gone").stream()
                .map(id -> new DiscoveredCandidate(id, "app", Map.of(), List.of(), List.of())).toList());
        state.runs().finish(claimed("done", "run-done"), RunStatus.COMPLETED);
        failStep(claimed("failed", "run-failed"));
        claimed("going", "run-going");
        state.runs().finish(claimed("cancelled", "run-cancelled"), RunStatus.CANCELLED);

        Map<String, String> inFlight = new LinkedHashMap<>();
        inFlight.put("done", "run-done");
        inFlight.put("failed", "run-failed");
        inFlight.put("going", "run-going");
        inFlight.put("cancelled", "run-cancelled");
        inFlight.put("gone", "run-never-recorded");
        assertEquals(Set.of(new RunEnd("done", "run-done", RunEnd.SUCCEEDED),
                            new RunEnd("failed", "run-failed", RunEnd.FAILED),
                            new RunEnd("cancelled", "run-cancelled", RunEnd.CANCELLED),
                            new RunEnd("gone", "run-never-recorded", RunEnd.CANCELLED)),
                     Set.copyOf(activities.ended(M, inFlight)));
    }

    @Test
    void aRunIsAFailureOnceItsCandidateFailedAndNotBefore() {
        state.migrations().announce(new Migration(M, "Test", "", List.of(), STEPS, List.of()), "test-migrator");
        state.candidates().merge(M, List.of(new DiscoveredCandidate("a", "app", Map.of(), List.of(), List.of())));
        RunRecord older = claimed("a", "run-older");
        assertEquals(List.of(), activities.ended(M, Map.of("a", "run-older")), "running: no end yet");
        failStep(older);
        assertEquals(List.of(new RunEnd("a", "run-older", RunEnd.FAILED)), activities.ended(M, Map.of("a", "run-older")));
    }
}
