package dev.drover.functions.runs;

import dev.drover.core.http.ApiException;
import dev.drover.core.run.RunRecord;
import dev.drover.core.run.RunStatus;
import dev.drover.core.state.RedisState;
import io.helidon.http.Status;

/** The run that currently owns a candidate, or the 409 that says it has none. */
final class CurrentRun {
    private CurrentRun() {
    }

    static RunRecord of(CandidateRef ref, RedisState state) {
        return state.runs().currentRunId(ref.migrationId(), ref.candidateId())
                .flatMap(runId -> state.runs().find(runId))
                .filter(run -> run.status() == RunStatus.RUNNING)
                .orElseThrow(() -> new ApiException(Status.CONFLICT_409, "not_running",
                                                    "candidate '" + ref.candidateId() + "' has no run in progress"));
    }
}
