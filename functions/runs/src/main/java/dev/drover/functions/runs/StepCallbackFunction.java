package dev.drover.functions.runs;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Principals;
import dev.drover.core.function.Function;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.Step;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.Callback;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.state.RedisState;
import dev.drover.workflows.CallbackOutcome;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunRefused;
import dev.drover.workflows.RunsUnavailable;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /event/{runId}}: a migrator calls back on a step. The caller must be the step's migrator app and the
 * token the run's; the run must
 * still be going (a callback for an earlier, cancelled attempt is refused); the run itself refuses a
 * callback for a step that is not current or a dispatch that is not the latest. A redelivered callback
 * is answered 200 with {@code applied: false} so the migrator stops retrying, and changes nothing.
 */
public final class StepCallbackFunction implements Function {
    /** The answer: whether this delivery changed the run, and the step's status after it. */
    public record Answer(boolean applied, StepStatus stepStatus) {
    }

    private final RedisState state;
    private final RunClient runs;

    public StepCallbackFunction(RedisState state, RunClient runs) {
        this.state = state;
        this.runs = runs;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("step-callback", Method.POST, "/event/{runId}", Access.MIGRATOR);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String runId = Http.slugParam(req, "runId");
        Callback callback = Json.read(Http.jsonBody(req), Callback.class);
        Check.text("token", callback.token(), 200); // a migrator's callback proves itself with the step event's token
        // An unknown run and a wrong token answer alike: the answer says nothing of which runs exist.
        RunRecord run = state.runs().find(runId)
                .filter(found -> CallbackTokens.matches(callback.token(), found.tokenHash()))
                .orElseThrow(() -> new ApiException(Status.FORBIDDEN_403, "invalid_token",
                                                    "the token is not valid for run '" + runId + "'"));
        String app = state.runs().steps(runId).stream().filter(step -> step.name().equals(callback.stepName()))
                .map(Step::migratorApp).findFirst().orElse(null);
        Principal caller = Principals.of(req);
        if (!(caller instanceof Principal.Migrator migrator) || app != null && !app.equals(migrator.app())) {
            throw new ApiException(Status.FORBIDDEN_403, "wrong_migrator", caller.actor() + " may not call back for step '"
                    + callback.stepName() + "' of run '" + runId + "': " + (app == null ? "no such step" : "it is " + app + "'s"));
        }
        if (callback.candidateId() != null && !callback.candidateId().equals(run.candidateId())) {
            throw new ApiException(Status.CONFLICT_409, "wrong_candidate", "run '" + runId + "' is candidate '" + run.candidateId()
                    + "''s, not '" + callback.candidateId() + "''s");
        }
        if (run.status() != RunStatus.RUNNING) {
            throw new ApiException(Status.CONFLICT_409, "run_ended", "run '" + runId + "' (attempt " + run.attempt() + ") "
                    + (run.status() == RunStatus.CANCELLED ? "was cancelled" : "has completed") + "; its callbacks change nothing");
        }
        try {
            CallbackOutcome outcome = runs.callback(runId, callback);
            Http.json(res, new Answer(outcome.applied(), outcome.stepStatus()));
        } catch (RunRefused e) {
            throw new ApiException(Status.CONFLICT_409, e.code(), e.getMessage());
        } catch (RunsUnavailable e) {
            throw RunsDown.answer(e);
        }
    }
}
