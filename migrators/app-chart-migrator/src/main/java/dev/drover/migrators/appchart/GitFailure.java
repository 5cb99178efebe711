package dev.drover.migrators.appchart;

/** A git operation that failed for a reason an operator must fix (unreachable URL, rejected push...). */
public final class GitFailure extends Exception {
    public GitFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
