package dev.drover.core.rollout;

/**
 * A rollout's counts. {@code selected}: candidates the selector matched when the rollout began (null until counted); {@code started}: runs
 * it started; {@code skipped}: selected candidates it did not start (already running, failed or completed, gone, or
 * missing a required input); {@code running}: its runs in flight; the rest: how its runs came out (a run counts as
 * failed at its first failed step, and the rollout stops following it there: its retry is an operator's business).
 */
public record RolloutCounts(Long selected, long started, long skipped, long running, long succeeded, long failed, long cancelled) {
    public static final RolloutCounts NONE = new RolloutCounts(null, 0, 0, 0, 0, 0, 0);
}
