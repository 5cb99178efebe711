package dev.drover.functions.runs;

import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.run.RunRecord;
import dev.drover.core.state.RedisState;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunProgress;
import dev.drover.workflows.RunRefused;
import dev.drover.workflows.RunsUnavailable;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /migrations/{id}/candidates/{cid}/retry-step}: re-dispatches the run's failed step (only a failed one). */
public final class RetryStep implements Function {
    /** The answer: the step dispatched again and its new dispatch number. */
    public record Retried(String runId, String step, int dispatch) {
    }

    private final RedisState state;
    private final RunClient runs;

    public RetryStep(RedisState state, RunClient runs) {
        this.state = state;
        this.runs = runs;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-retry-step", Method.POST, "/migrations/{id}/candidates/{cid}/retry-step");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        RunRecord run = CurrentRun.of(CandidateRef.of(req, state), state);
        try {
            RunProgress progress = runs.retryStep(run.runId());
            Http.json(res, Status.ACCEPTED_202, new Retried(run.runId(), progress.currentStep(), progress.dispatch()));
        } catch (RunRefused e) {
            throw new ApiException(Status.CONFLICT_409, e.code(), e.getMessage());
        } catch (RunsUnavailable e) {
            throw RunsDown.answer(e);
        }
    }
}
