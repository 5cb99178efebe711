package dev.drover.functions.runs;

import dev.drover.core.http.ApiException;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.core.state.RedisState;
import io.helidon.http.Status;

import java.util.Optional;

/** The run that currently owns a candidate, or the 409 that says it has none. */
final class CurrentRun {
    private CurrentRun() {
    }

    static RunRecord of(CandidateRef ref, RedisState state) {
        Optional<RunRecord> last = state.runs().currentRunId(ref.migrationId(), ref.candidateId()).flatMap(state.runs()::find);
        if (last.isPresent() && last.get().status() == RunStatus.RUNNING) {
            return last.get();
        }
        // Say what the candidate's last run did: "no run in progress" reads like a fault when it has completed.
        String why = last.map(run -> "its last run (attempt " + run.attempt() + ") "
                        + (run.status() == RunStatus.CANCELLED ? "was cancelled" : "has completed"))
                .orElse("it has never been started");
        throw new ApiException(Status.CONFLICT_409, "not_running", "candidate '" + ref.candidateId() + "' is not running: " + why);
    }
}
