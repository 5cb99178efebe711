package dev.drover.contract.run;

import dev.drover.contract.model.Check;
import dev.drover.contract.model.InvalidInput;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * A migrator's report on a step, POSTed to {@code /event/{runId}}.
 *
 * @param dispatch the {@code dispatch} of the step event it answers
 * @param metadata merged into the step's metadata (for example {@code {"pullRequest": "https://..."}})
 * @param message  a human-readable word on the step; for {@code failed}, what an operator must fix
 * @param token    the callback token of the step event
 * @param candidateId optional (the seed system's migrators send it); when given it must be the run's candidate
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallbackRequest(String stepName,
                              int dispatch,
                              CallbackStatus status,
                              Map<String, String> metadata,
                              String message,
                              String token,
                              String candidateId) {
    public CallbackRequest(String stepName, int dispatch, CallbackStatus status, Map<String, String> metadata, String message,
                           String token) {
        this(stepName, dispatch, status, metadata, message, token, null);
    }

    public CallbackRequest {
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
        Check.text("token", token, 200);
    }
}
