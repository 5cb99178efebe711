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
import dev.drover.workflows.RunRefused;
import dev.drover.workflows.RunsUnavailable;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code POST /migrations/{id}/candidates/{cid}/cancel}: ends the candidate's run; the run's cleanup
 * puts the candidate back to not started and keeps the attempt on record. Answers 200 once the
 * cleanup is done, 202 if it is still going after a few seconds.
 */
public final class CancelCandidate implements Function {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The answer: which run, and whether it has ended ("cancelled") or is still cleaning up ("cancelling"). */
    public record Cancelled(String runId, String status) {
    }

    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final Actors actors;

    public CancelCandidate(RedisState state, RunClient runs, HistoryRecorder history, Actors actors) {
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-cancel", Method.POST, "/migrations/{id}/candidates/{cid}/cancel", Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        RunRecord run = CurrentRun.of(ref, state);
        try {
            runs.cancel(run.runId());
        } catch (RunRefused e) {
            throw new ApiException(Status.CONFLICT_409, "not_running", "run " + run.runId() + " has already ended");
        } catch (RunsUnavailable e) {
            throw RunsDown.answer(e);
        }
        history.record(actors.action(req, Instant.now(), "cancel", ref.migrationId(), ref.candidateId(), run.runId(), Map.of()));
        boolean ended = runs.awaitEnd(run.runId(), WAIT);
        Http.json(res, ended ? Status.OK_200 : Status.ACCEPTED_202, new Cancelled(run.runId(), ended ? "cancelled" : "cancelling"));
    }
}
