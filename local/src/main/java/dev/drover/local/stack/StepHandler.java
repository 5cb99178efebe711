package dev.drover.local.stack;

import dev.drover.core.run.CallbackStatus;
import dev.drover.core.run.StepEvent;

import java.util.Map;
import java.util.Optional;

/** What a {@link DemoMigrator} does with one step: the report to send back, or none (someone else reports). */
@FunctionalInterface
public interface StepHandler {
    Optional<Report> handle(StepEvent event);

    /** A callback's content. */
    record Report(CallbackStatus status, Map<String, String> metadata, String message) {
    }

    /** The no-op migration: every step succeeds at once. */
    static StepHandler succeedEverything() {
        return event -> Optional.of(new Report(CallbackStatus.SUCCEEDED, Map.of("noop", "true"), "nothing to change"));
    }
}
