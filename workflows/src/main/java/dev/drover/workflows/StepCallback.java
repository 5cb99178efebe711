package dev.drover.workflows;

import dev.drover.core.run.CallbackStatus;

import java.util.Map;
import java.util.TreeMap;

/** A migrator's report on a step, as the workflow receives it (the token was checked before). */
public record StepCallback(String stepName, int dispatch, CallbackStatus status, Map<String, String> metadata,
                           String message) {
    public StepCallback {
        metadata = Map.copyOf(metadata);
        message = message == null ? "" : message;
    }

    /** Two deliveries of the same report have the same key; the second one changes nothing. */
    String dedupeKey() {
        return stepName + '\u0000' + dispatch + '\u0000' + status.wire() + '\u0000' + new TreeMap<>(metadata) + '\u0000' + message;
    }
}
