package dev.drover.functions.runs;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.run.RunRecord;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunProgress;
import dev.drover.workflows.RunRefused;
import dev.drover.workflows.RunsUnavailable;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.Map;

/** {@code POST /migrations/{id}/candidates/{cid}/retry-step}: re-dispatches the run's failed step (only a failed one). */
public final class RetryStep implements Function {
    /** The answer: the step dispatched again and its new dispatch number. */
    public record Retried(String runId, String step, int dispatch) {
    }

    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final Actors actors;

    public RetryStep(RedisState state, RunClient runs, HistoryRecorder history, Actors actors) {
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-retry-step", Method.POST, "/migrations/{id}/candidates/{cid}/retry-step", Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        RunRecord run = CurrentRun.of(ref, state);
        try {
            RunProgress progress = runs.retryStep(run.runId());
            history.record(actors.action(req, Instant.now(), "retry-step", ref.migrationId(), ref.candidateId(), run.runId(),
                                         Map.of("step", progress.currentStep(), "dispatch", Integer.toString(progress.dispatch()))));
            Http.json(res, Status.ACCEPTED_202, new Retried(run.runId(), progress.currentStep(), progress.dispatch()));
        } catch (RunRefused e) {
            throw new ApiException(Status.CONFLICT_409, e.code(), e.getMessage());
        } catch (RunsUnavailable e) {
            throw RunsDown.answer(e);
        }
    }
}
