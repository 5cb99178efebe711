package dev.drover.workflows;

/** Temporal did not answer (down, unreachable, or no worker took the request in time); the caller may retry. */
public class RunsUnavailable extends RuntimeException {
    public RunsUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
