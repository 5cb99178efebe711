package dev.drover.migrator;

/**
 * What a migrator does for one step type. {@link #execute} runs off the delivery's request thread and
 * may take long; it must be idempotent (a retry or a redelivery after a crash may run it again, and it
 * must converge, never duplicate work). {@link #simulate} is the dry-run: the same change, written into
 * a {@link Draft} instead of the world.
 */
public interface StepHandler {
    StepResult execute(StepContext step) throws Exception;

    /** Writes into {@code draft} what {@link #execute} would change; the default changes nothing. */
    default void simulate(StepContext step, Draft draft) throws Exception {
    }
}
