package dev.drover.functions;

import dev.drover.core.function.Settings;
import dev.drover.core.state.RedisState;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The machine's real Redis, under a key prefix of this test class's own, so test classes never see
 * each other's data and every key they wrote is deleted afterwards.
 */
final class TestState {
    private TestState() {
    }

    static URI redisUrl() {
        return URI.create(System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL));
    }

    static RedisState create() {
        return RedisState.connect(redisUrl(), "drover-test-" + UUID.randomUUID() + ":");
    }

    /** Deletes every key under the state's prefix and closes it. */
    static void drop(RedisState state) {
        state.deleteAllKeys();
        state.close();
    }

    /**
     * Puts a candidate in a status the way runs do (a claim, then a failed step or the end of the run),
     * for tests of what discovery and reads do with candidates a run owns.
     */
    static void runTo(RedisState state, String migrationId, String candidateId, CandidateStatus status) {
        String runId = "run-" + UUID.randomUUID();
        List<Step> steps = List.of(new Step("only", "", "test-migrator", "", Map.of()));
        state.runs().claim(migrationId, candidateId, runId, "token", steps);
        RunRecord run = state.runs().find(runId).orElseThrow();
        switch (status) {
            case RUNNING -> { }
            case FAILED -> state.runs().recordStep(run, new StepState("only", StepStatus.FAILED, 1, Map.of(), "", null, null, null),
                                                   Optional.of(CandidateStatus.FAILED));
            case COMPLETED -> state.runs().finish(run, RunStatus.COMPLETED);
            case NOT_STARTED -> state.runs().finish(run, RunStatus.CANCELLED);
        }
    }
}
