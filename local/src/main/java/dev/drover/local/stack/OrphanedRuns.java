package dev.drover.local.stack;

import dev.drover.core.model.Candidate;
import dev.drover.core.model.CandidateStatus;
import dev.drover.core.model.StoredMigration;
import dev.drover.core.run.RunStatus;
import dev.drover.core.state.CandidatePage;
import dev.drover.core.state.CandidateQuery;
import dev.drover.core.state.RedisState;

import java.util.Map;
import java.util.Optional;

/**
 * The in-process Temporal server keeps its runs in memory, Redis keeps candidates: after a restart of
 * the local stack, candidates that were running or failed have no workflow any more. This puts them
 * back to not started (their runs recorded as cancelled), so they can be started again.
 */
final class OrphanedRuns {
    private OrphanedRuns() {
    }

    /** @return how many runs were cancelled */
    static int cancelAll(RedisState state) {
        int cancelled = 0;
        for (StoredMigration migration : state.migrations().list()) {
            for (CandidateStatus status : new CandidateStatus[] {CandidateStatus.RUNNING, CandidateStatus.FAILED}) {
                // Each cancel removes the candidate from the status set, so reading the first page again moves on.
                while (true) {
                    CandidatePage page = state.candidates().page(migration.migration().id(),
                                                                  new CandidateQuery(Optional.of(status), Map.of(), "", 500));
                    if (page.items().isEmpty()) {
                        break;
                    }
                    int before = cancelled;
                    for (Candidate candidate : page.items()) {
                        Optional<String> runId = state.runs().currentRunId(migration.migration().id(), candidate.id());
                        if (runId.flatMap(state.runs()::find).map(run -> state.runs().finish(run, RunStatus.CANCELLED)).orElse(false)) {
                            cancelled++;
                        }
                    }
                    if (cancelled == before) {
                        break; // nothing more this pass can change
                    }
                }
            }
        }
        return cancelled;
    }
}
