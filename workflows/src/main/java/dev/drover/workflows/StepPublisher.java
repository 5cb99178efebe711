package dev.drover.workflows;

import dev.drover.contract.run.StepEvent;

/** Publishes a step event to the migrator it names. Must throw when the event was not accepted, so the activity retries. */
public interface StepPublisher {
    void publish(StepEvent event, String migratorApp);
}
