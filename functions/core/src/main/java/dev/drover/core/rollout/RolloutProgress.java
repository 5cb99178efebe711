package dev.drover.core.rollout;

/**
 * Where a rollout stands, as its workflow saves it to Redis after each change: {@code status} running, paused,
 * completed or aborted; {@code pausedReason} why it is paused (null otherwise); {@code version} grows with each
 * save, so a late write of an older state never overwrites a newer one.
 */
public record RolloutProgress(String status, String pausedReason, WaveState wave, RolloutCounts counts, String updatedAt,
                              long version) {
    public static final String RUNNING = "running";
    public static final String PAUSED = "paused";
    public static final String COMPLETED = "completed";
    public static final String ABORTED = "aborted";

    /** A new rollout's: running, at its first wave, nothing counted yet (selected null), version 0. */
    public static RolloutProgress initial(RolloutSpec spec, String now) {
        return new RolloutProgress(RUNNING, null, new WaveState(0, spec.waves().isEmpty() ? null : spec.waves().getFirst().size(), null),
                                   RolloutCounts.NONE, now, 0);
    }
}
