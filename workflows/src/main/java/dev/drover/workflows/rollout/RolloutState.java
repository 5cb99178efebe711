package dev.drover.workflows.rollout;

import dev.drover.core.rollout.RolloutProgress;
import dev.drover.core.rollout.RolloutSpec;
import java.util.List;
import java.util.Map;

/**
 * Everything a rollout's workflow carries from one run to the next (continue-as-new), and no more: the spec, where
 * it stands, the selection's cursor with the few ids read ahead, the runs in flight and the ends of runs not counted
 * yet. Bounded by the page size and the concurrency, whatever the size of the selection.
 *
 * @param failedBase  failures when the budget was last reset (at start and at each resume)
 * @param startedBase starts when the budget was last reset
 * @param waitUntil   epoch milliseconds the current wait ends (0: waiting for a promotion, or not waiting)
 * @param ends        runs that told the rollout they ended, not counted yet (null in a state continued before this
 *                    existed: none)
 */
public record RolloutState(RolloutSpec spec, RolloutProgress progress, Selection.Cursor cursor, List<String> buffer,
                           Map<String, String> inFlight, int waveStarted, long waitUntil, long failedBase, long startedBase,
                           List<RunEnd> ends) {
    /** A new rollout: nothing started, the selection not yet counted (selected null). */
    public static RolloutState start(RolloutSpec spec, String now) {
        return new RolloutState(spec, RolloutProgress.initial(spec, now), Selection.Cursor.START, List.of(), Map.of(), 0, 0, 0, 0, List.of());
    }
}
