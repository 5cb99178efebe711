package dev.drover.migrator;

import dev.drover.contract.run.CallbackStatus;

import java.util.Map;

/**
 * A step's outcome, sent to the platform as the step's callback.
 *
 * @param metadata merged into the step's metadata (e.g. {@code changeUrl})
 * @param message  for humans; for {@code failed}, what an operator must fix before retrying
 */
public record StepResult(CallbackStatus status, Map<String, String> metadata, String message) {
    public StepResult {
        metadata = Map.copyOf(metadata);
    }

    /** Still working (e.g. a change request waits for review); the platform keeps waiting. */
    public static StepResult pending(Map<String, String> metadata, String message) {
        return new StepResult(CallbackStatus.PENDING, metadata, message);
    }

    public static StepResult succeeded(Map<String, String> metadata, String message) {
        return new StepResult(CallbackStatus.SUCCEEDED, metadata, message);
    }

    public static StepResult merged(Map<String, String> metadata, String message) {
        return new StepResult(CallbackStatus.MERGED, metadata, message);
    }

    public static StepResult failed(String message) {
        return new StepResult(CallbackStatus.FAILED, Map.of(), message);
    }

    public static StepResult failed(Map<String, String> metadata, String message) {
        return new StepResult(CallbackStatus.FAILED, metadata, message);
    }
}
