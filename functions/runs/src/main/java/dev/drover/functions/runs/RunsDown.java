package dev.drover.functions.runs;

import dev.drover.core.http.ApiException;
import dev.drover.workflows.RunsUnavailable;
import io.helidon.http.Status;

import java.lang.System.Logger.Level;

/** Temporal not answering is the run engine's outage, not the caller's mistake: 503, retry later. */
final class RunsDown {
    private static final System.Logger LOGGER = System.getLogger(RunsDown.class.getName());

    private RunsDown() {
    }

    static ApiException answer(RunsUnavailable e) {
        return answer(e, "the run engine (Temporal) did not answer; nothing was changed, retry later");
    }

    /** With what the caller should know of what was kept (a start keeps its attempt). */
    static ApiException answer(RunsUnavailable e, String message) {
        LOGGER.log(Level.WARNING, e.getMessage());
        return new ApiException(Status.SERVICE_UNAVAILABLE_503, "runs_unavailable", message);
    }
}
