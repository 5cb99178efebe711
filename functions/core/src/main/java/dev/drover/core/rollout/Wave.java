package dev.drover.core.rollout;

import dev.drover.contract.model.InvalidInput;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * One wave of a rollout: {@code size} runs are started, and once they have all ended the rollout waits before
 * the next wave: for an operator's promotion ({@code after = "promote"}) or for an ISO-8601 duration
 * ({@code "PT10M"}; promoting ends the wait early). After the last wave the rest of the selection follows.
 */
public record Wave(int size, String after) {
    public static final String PROMOTE = "promote";

    public Wave {
        if (size < 1) {
            throw new InvalidInput("waves[].size must be at least 1, got " + size);
        }
        after = after == null ? PROMOTE : after;
        if (!after.equals(PROMOTE)) {
            Duration wait = parse(after);
            if (wait.isNegative() || wait.isZero() || wait.compareTo(Duration.ofDays(30)) > 0) {
                throw new InvalidInput("waves[].after must be a duration above zero and at most 30 days, got '" + after + "'");
            }
        }
    }

    /** The wait after this wave; null for an operator's promotion. */
    public Duration waitFor() {
        return after.equals(PROMOTE) ? null : parse(after);
    }

    private static Duration parse(String after) {
        try {
            return Duration.parse(after);
        } catch (DateTimeParseException e) {
            throw new InvalidInput("waves[].after must be \"promote\" or an ISO-8601 duration such as \"PT10M\", got '" + after + "'");
        }
    }
}
