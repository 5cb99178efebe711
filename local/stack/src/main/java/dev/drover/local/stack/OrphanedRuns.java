package dev.drover.local.stack;

import dev.drover.core.state.RedisState;
import dev.drover.workflows.RunReconciler;

import java.time.Clock;
import java.time.Duration;

/**
 * The in-process Temporal server keeps its runs in memory, Redis keeps candidates: after a restart of
 * the local stack, candidates that were running or failed have no workflow any more. The reconciler ends
 * each such run as a cancel would (steps cancelled, {@code run_cancelled} in the history, candidate back to
 * not started). The local stack runs it at every start, the only time its runs can lose their workflows,
 * and before anything can start a run, so every running run is an orphan.
 */
final class OrphanedRuns {
    private OrphanedRuns() {
    }

    /** @return how many runs were cancelled */
    static int cancelAll(RedisState state) {
        return new RunReconciler(state, run -> true, Duration.ZERO, Clock.systemUTC()).reconcile();
    }
}
