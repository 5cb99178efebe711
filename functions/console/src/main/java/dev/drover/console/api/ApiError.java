package dev.drover.console.api;

/**
 * The API said no, or could not be asked: its status, its stable error code and message (or the console's own for
 * a failure to reach it: 503 {@code api_unavailable}). A page turns it into its error state.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
