package dev.drover.cli;

/** A command that cannot do what was asked: one line for the operator, and the exit code that classifies it. */
final class CliFailure extends RuntimeException {
    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
