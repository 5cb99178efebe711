package dev.drover.workflows;

/** A run refused a callback or a retry; {@code code} is one of {@link RefusalCodes} or {@value #RUN_ENDED}. */
public class RunRefused extends RuntimeException {
    public static final String RUN_ENDED = "run_ended";

    private final String code;

    public RunRefused(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
