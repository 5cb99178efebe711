package dev.drover.workflows;

import dev.drover.contract.model.Step;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A step's deadline: the ISO-8601 duration in its config under {@value #CONFIG_KEY} (for example
 * {@code PT2H}), counted from each dispatch. The one config key the platform reads.
 */
final class Deadlines {
    static final String CONFIG_KEY = "deadline";

    private Deadlines() {
    }

    /** @throws IllegalArgumentException with an operator-readable message when the value does not parse */
    static Optional<Duration> of(Step step) {
        String value = step.config().get(CONFIG_KEY);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            Duration duration = Duration.parse(value.trim());
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("step config deadline '" + value + "' must be a positive duration");
            }
            return Optional.of(duration);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("step config deadline '" + value
                                                       + "' is not an ISO-8601 duration (for example PT2H); fix the migration and start again");
        }
    }
}
