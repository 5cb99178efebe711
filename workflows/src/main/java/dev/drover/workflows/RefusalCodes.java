package dev.drover.workflows;

import io.temporal.failure.ApplicationFailure;

import java.util.Optional;
import java.util.Set;

/**
 * The failure types a run uses to refuse a callback or a retry; functions answer them as 409 with the
 * same code, so they are part of the API.
 */
public final class RefusalCodes {
    public static final String UNKNOWN_STEP = "unknown_step";
    public static final String NOT_CURRENT_STEP = "not_current_step";
    public static final String STALE_DISPATCH = "stale_dispatch";
    public static final String STEP_NOT_IN_PROGRESS = "step_not_in_progress";
    public static final String NO_FAILED_STEP = "no_failed_step";
    /** A migrator's callback for a manual step, which only an operator completes. */
    public static final String MANUAL_STEP = "manual_step";

    private static final Set<String> ALL = Set.of(UNKNOWN_STEP, NOT_CURRENT_STEP, STALE_DISPATCH, STEP_NOT_IN_PROGRESS,
                                                  NO_FAILED_STEP, MANUAL_STEP);

    private RefusalCodes() {
    }

    /**
     * The failure a validator throws. Temporal re-types a validator's failure as its internal wrapper,
     * so the code also leads the message, where {@link #refusal} finds it again.
     */
    static ApplicationFailure failure(String code, String message) {
        return ApplicationFailure.newNonRetryableFailure(code + ": " + message, code);
    }

    /** The refusal a failure carries, if it is one of ours. */
    static Optional<RunRefused> refusal(ApplicationFailure failure) {
        String message = failure.getOriginalMessage();
        if (ALL.contains(failure.getType())) {
            return Optional.of(new RunRefused(failure.getType(), strip(failure.getType(), message)));
        }
        int colon = message == null ? -1 : message.indexOf(": ");
        if (colon > 0 && ALL.contains(message.substring(0, colon))) {
            return Optional.of(new RunRefused(message.substring(0, colon), message.substring(colon + 2)));
        }
        return Optional.empty();
    }

    private static String strip(String code, String message) {
        return message != null && message.startsWith(code + ": ") ? message.substring(code.length() + 2) : message;
    }
}
