package dev.drover.contract.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.InvalidInput;

import java.util.Map;

/**
 * A callback: what a migrator says of a step it was dispatched, POSTed to {@code /event/{runId}}. The same record
 * carries it on into the run (without its token), and carries an operator's completion of a step by hand.
 *
 * @param dispatch    the {@code dispatch} of the step event it answers
 * @param metadata    merged into the step's metadata (for example {@code {"pullRequest": "https://..."}})
 * @param message     a human-readable word on the step; for {@code failed}, what an operator must fix
 * @param token       the callback token of the step event; required on the wire (the callback route checks it),
 *                    and dropped before the callback enters the run, whose history must not hold it
 * @param candidateId optional (the seed system's migrators send it); when given it must be the run's candidate
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Callback(String stepName,
                       int dispatch,
                       CallbackStatus status,
                       Map<String, String> metadata,
                       String message,
                       String token,
                       String candidateId) {
    public Callback {
        if (candidateId != null) {
            Check.slug("candidateId", candidateId);
        }
        Check.slug("stepName", stepName);
        if (dispatch < 1) {
            throw new InvalidInput("dispatch must be the step event's dispatch number (1 or more)");
        }
        if (status == null) {
            throw new InvalidInput("status is required: pending, succeeded, merged or failed");
        }
        metadata = Check.metadata("metadata", metadata);
        message = Check.optionalText("message", message, Check.TEXT_MAX);
        if (token != null) {
            Check.text("token", token, 200);
        }
    }

    /** A migrator's callback, as it sends it. */
    public Callback(String stepName, int dispatch, CallbackStatus status, Map<String, String> metadata, String message,
                    String token) {
        this(stepName, dispatch, status, metadata, message, token, null);
    }

    /** A callback the platform makes itself (an operator's completion, an undeliverable event): it has no token. */
    public static Callback of(String stepName, int dispatch, CallbackStatus status, Map<String, String> metadata,
                              String message) {
        return new Callback(stepName, dispatch, status, metadata, message, null, null);
    }

    /** The callback as it enters the run: everything but the token. */
    public Callback withoutToken() {
        return new Callback(stepName, dispatch, status, metadata, message, null, candidateId);
    }
}
