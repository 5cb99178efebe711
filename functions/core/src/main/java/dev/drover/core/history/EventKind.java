package dev.drover.core.history;

/** What a history event records; {@link #wire()} is the value stored and shown in the API. */
public enum EventKind {
    RUN_STARTED("run_started"),
    RUN_COMPLETED("run_completed"),
    RUN_CANCELLED("run_cancelled"),
    STEP_DISPATCHED("step_dispatched"),
    /** A step dispatched again after an operator's retry (also recorded as dispatched). */
    STEP_RETRIED("step_retried"),
    /** The migrator reported progress ({@code pending}) without finishing the step. */
    STEP_PROGRESS("step_progress"),
    /** A dispatch ended: status succeeded, merged or failed, with its duration. */
    STEP_COMPLETED("step_completed"),
    /** A discovery submission: metadata holds how many candidates were added, updated, unchanged, untouched. */
    CANDIDATES_SUBMITTED("candidates_submitted");

    private final String wire;

    EventKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
