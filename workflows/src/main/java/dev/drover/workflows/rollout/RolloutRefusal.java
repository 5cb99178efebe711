package dev.drover.workflows.rollout;

import io.temporal.failure.ApplicationFailure;

import java.util.Optional;
import java.util.Set;

/** An operator action a rollout refused; {@code code} is stable API (answered as 409). */
public final class RolloutRefusal extends RuntimeException {
    public static final String NOT_RUNNING = "rollout_not_running";
    public static final String NOT_PAUSED = "rollout_not_paused";
    public static final String NOTHING_TO_PROMOTE = "nothing_to_promote";
    public static final String ENDED = "rollout_ended";
    private static final Set<String> ALL = Set.of(NOT_RUNNING, NOT_PAUSED, NOTHING_TO_PROMOTE, ENDED);

    private final String code;

    public RolloutRefusal(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** What a validator throws; the code also leads the message (Temporal re-types a validator's failure). */
    static ApplicationFailure failure(String code, String message) {
        return ApplicationFailure.newNonRetryableFailure(code + ": " + message, code);
    }

    static Optional<RolloutRefusal> of(ApplicationFailure failure) {
        String message = failure.getOriginalMessage();
        int colon = message == null ? -1 : message.indexOf(": ");
        if (colon > 0 && ALL.contains(message.substring(0, colon))) {
            return Optional.of(new RolloutRefusal(message.substring(0, colon), message.substring(colon + 2)));
        }
        return ALL.contains(failure.getType()) ? Optional.of(new RolloutRefusal(failure.getType(), message)) : Optional.empty();
    }
}
