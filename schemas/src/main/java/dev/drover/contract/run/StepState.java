package dev.drover.contract.run;

import java.time.Instant;
import java.util.Map;

/**
 * One step of a run as operators see it.
 *
 * @param dispatches how many times the step was dispatched in this run (1, then +1 per retry)
 * @param metadata   what the migrator reported (for example a pull request link)
 * @param message    the migrator's last word, or the reason the step failed
 */
public record StepState(String name,
                        StepStatus status,
                        int dispatches,
                        Map<String, String> metadata,
                        String message,
                        Instant startedAt,
                        Instant updatedAt,
                        Instant finishedAt) {
    public StepState {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        message = message == null ? "" : message;
    }

    public static StepState notStarted(String name) {
        return new StepState(name, StepStatus.NOT_STARTED, 0, Map.of(), "", null, null, null);
    }
}
