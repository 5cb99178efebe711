package dev.drover.local.stack;

import dev.drover.core.model.Candidate;
import dev.drover.core.model.CandidateStatus;
import dev.drover.core.model.StoredMigration;
import dev.drover.core.run.RunRecord;
import dev.drover.core.run.RunStatus;
import dev.drover.core.run.StepState;
import dev.drover.core.run.StepStatus;
import dev.drover.core.state.CandidatePage;
import dev.drover.core.state.CandidateQuery;
import dev.drover.core.state.RedisState;
import dev.drover.history.EventKind;
import dev.drover.history.HistoryEvent;
import dev.drover.history.OutboxEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The in-process Temporal server keeps its runs in memory, Redis keeps candidates: after a restart of
 * the local stack, candidates that were running or failed have no workflow any more. This ends each such
 * run as a cancel would: its unfinished steps are marked cancelled, the run is recorded cancelled with its
 * {@code run_cancelled} history event in the same script (so the history's totals never count it active
 * forever), and its candidate is back to not started. Idempotent: a second pass finds nothing to do. The
 * local stack runs it at every start, the only time its runs can lose their workflows.
 */
final class OrphanedRuns {
    private OrphanedRuns() {
    }

    /** @return how many runs were cancelled */
    static int cancelAll(RedisState state) {
        return cancelAll(state, Clock.systemUTC());
    }

    static int cancelAll(RedisState state, Clock clock) {
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
                        Optional<RunRecord> run = state.runs().currentRunId(migration.migration().id(), candidate.id())
                                .flatMap(state.runs()::find);
                        if (run.isPresent() && cancel(state, run.get(), clock.instant())) {
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

    private static boolean cancel(RedisState state, RunRecord run, Instant now) {
        // Steps first: if the stack dies again in between, the run is still running and the next start finishes it.
        state.runs().stepStates(run.migrationId(), run.candidateId()).values().stream()
                .filter(step -> step.status().inProgress() || step.status() == StepStatus.FAILED)
                .forEach(step -> state.runs().recordStep(run, new StepState(step.name(), StepStatus.CANCELLED, step.dispatches(),
                                                                            step.metadata(), "cancelled: the local stack restarted",
                                                                            step.startedAt(), now, now), Optional.empty()));
        String ended = OutboxEntry.encode(HistoryEvent.runEnded(EventKind.RUN_CANCELLED, run.runId(), run.migrationId(),
                                                                run.candidateId(), run.attempt(), now,
                                                                run.startedAt() == null ? null : Duration.between(run.startedAt(), now)));
        return state.runs().finish(run, RunStatus.CANCELLED, ended);
    }
}
