package dev.drover.workflows;

import dev.drover.contract.run.CallbackStatus;

import java.util.Map;
import java.util.TreeMap;

/**
 * A report on a step, as the workflow receives it: a migrator's callback (its token was checked before), or an
 * operator's completion by hand.
 *
 * @param operator who completed the step by hand, or null for a migrator's callback; an operator may also finish a
 *                 failed step (the change was merged outside the migrator's knowledge) and a manual step
 */
public record StepCallback(String stepName, int dispatch, CallbackStatus status, Map<String, String> metadata,
                           String message, String operator) {
    public StepCallback {
        metadata = Map.copyOf(metadata);
        message = message == null ? "" : message;
    }

    /** A migrator's callback. */
    public StepCallback(String stepName, int dispatch, CallbackStatus status, Map<String, String> metadata, String message) {
        this(stepName, dispatch, status, metadata, message, null);
    }

    boolean byOperator() {
        return operator != null;
    }

    /** Two deliveries of the same report have the same key; the second one changes nothing. */
    String dedupeKey() {
        return stepName + '\u0000' + dispatch + '\u0000' + status.wire() + '\u0000' + new TreeMap<>(metadata) + '\u0000' + message
                + '\u0000' + operator;
    }
}
