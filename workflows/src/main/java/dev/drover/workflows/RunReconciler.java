package dev.drover.workflows;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.core.model.StoredMigration;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.state.CandidatePage;
import dev.drover.core.state.CandidateQuery;
import dev.drover.core.state.RedisState;
import dev.drover.core.history.EventKind;
import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.OutboxEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Makes Redis and the history agree again after a crash: a candidate running (or waiting on a failed step)
 * under a run whose workflow is gone is ended as a cancel would end it — its unfinished steps marked
 * cancelled, the run ended through the finish script with its {@code run_cancelled} history event, the
 * candidate back to not started — so nothing is left {@code dispatched} and history never counts the run
 * active forever. Idempotent: a second pass finds nothing. Runs younger than {@code grace} are left alone
 * (a start claims the candidate a moment before Temporal has its workflow).
 */
public final class RunReconciler {
    private final RedisState state;
    private final Predicate<RunRecord> workflowGone;
    private final Duration grace;
    private final Clock clock;

    /** @param workflowGone whether Temporal no longer runs the run's workflow (not found, or closed) */
    public RunReconciler(RedisState state, Predicate<RunRecord> workflowGone, Duration grace, Clock clock) {
        this.state = state;
        this.workflowGone = workflowGone;
        this.grace = grace;
        this.clock = clock;
    }

    /** @return how many runs were ended */
    public int reconcile() {
        int cancelled = 0;
        Instant now = clock.instant();
        for (StoredMigration migration : state.migrations().list()) {
            String migrationId = migration.migration().id();
            for (CandidateStatus status : new CandidateStatus[] {CandidateStatus.RUNNING, CandidateStatus.FAILED}) {
                String cursor = "";
                do {
                    CandidatePage page = state.candidates().page(migrationId, new CandidateQuery(Optional.of(status), Map.of(), cursor, 500));
                    for (Candidate candidate : page.items()) {
                        Optional<RunRecord> run = state.runs().currentRunId(migrationId, candidate.id()).flatMap(state.runs()::find);
                        if (run.isPresent() && run.get().status() == RunStatus.RUNNING && oldEnough(run.get(), now)
                                && workflowGone.test(run.get()) && cancel(run.get(), now)) {
                            cancelled++;
                        }
                    }
                    cursor = page.nextAfterId().orElse(null);
                } while (cursor != null);
            }
        }
        return cancelled;
    }

    private boolean oldEnough(RunRecord run, Instant now) {
        return run.startedAt() == null || !run.startedAt().plus(grace).isAfter(now);
    }

    private boolean cancel(RunRecord run, Instant now) {
        // Steps first: if the process dies in between, the run is still running and the next pass ends it.
        state.runs().cancelOpenSteps(run, "cancelled: the run's workflow is gone", now);
        String ended = OutboxEntry.encode(HistoryEvent.runEnded(EventKind.RUN_CANCELLED, run.runId(), run.migrationId(),
                                                                run.candidateId(), run.attempt(), now,
                                                                run.startedAt() == null ? null : Duration.between(run.startedAt(), now)));
        return state.runs().finish(run, RunStatus.CANCELLED, ended);
    }
}
