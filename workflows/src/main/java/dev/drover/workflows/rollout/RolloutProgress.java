package dev.drover.workflows.rollout;

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
}
