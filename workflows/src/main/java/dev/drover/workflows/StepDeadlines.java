package dev.drover.workflows;

import dev.drover.contract.model.Step;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deadline a step gets when its migration sets none, so that a run whose migrator never answers (not deployed,
 * its app id misspelt) fails the step with the reason instead of waiting forever: {@value #VARIABLE}, an ISO-8601
 * duration, default {@code P7D} (long enough for a change request to be reviewed); {@code none} for no default.
 * It is written into the run's frozen steps at start ({@code config.deadline}), where operators and migrators see
 * it; a manual step (a person's) gets none.
 */
public final class StepDeadlines {
    public static final String VARIABLE = "DROVER_STEP_DEADLINE";
    public static final Duration DEFAULT = Duration.ofDays(7);

    private StepDeadlines() {
    }

    /** @throws IllegalArgumentException naming the variable when its value is no positive ISO-8601 duration */
    public static Optional<Duration> fromEnvironment(Map<String, String> env) {
        String value = env.getOrDefault(VARIABLE, "").strip();
        if (value.isEmpty()) {
            return Optional.of(DEFAULT);
        }
        if (value.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        try {
            Duration duration = Duration.parse(value);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(VARIABLE + "=" + value + " must be a positive duration (for example P7D), or none");
            }
            return Optional.of(duration);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(VARIABLE + "=" + value + " is not an ISO-8601 duration (for example P7D or PT12H), or none");
        }
    }

    /** {@code steps} with {@code deadline} in the config of each that is not manual and has none of its own. */
    public static List<Step> withDefault(List<Step> steps, Optional<Duration> deadline) {
        if (deadline.isEmpty()) {
            return steps;
        }
        return steps.stream().map(step -> {
            if (Step.manual(step) || step.config().containsKey(Deadlines.CONFIG_KEY)) {
                return step;
            }
            Map<String, String> config = new HashMap<>(step.config());
            config.put(Deadlines.CONFIG_KEY, deadline.get().toString());
            return new Step(step.name(), step.description(), step.migratorApp(), step.type(), config);
        }).toList();
    }
}
