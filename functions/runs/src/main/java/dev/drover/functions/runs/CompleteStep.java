package dev.drover.functions.runs;

import dev.drover.contract.run.Callback;
import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.core.history.OperatorAction;
import dev.drover.workflows.CallbackOutcome;
import dev.drover.workflows.RefusalCodes;
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

/**
 * {@code POST /migrations/{id}/candidates/{cid}/steps/{step}/complete}: an operator finishes the current step of the
 * candidate's live run by hand: a manual step (an approval), a change merged outside the migrator's knowledge, a step
 * a person performed. It goes through the same workflow update as a migrator's callback, for the step's current
 * dispatch, so the migrator's late callback for that dispatch is refused afterwards like any stale one.
 */
public final class CompleteStep implements Function {
    /** Who completed a step by hand, in the step's metadata (and so in its history event). */
    public static final String COMPLETED_BY = "completedBy";

    /** The body: the step's outcome and an operator's word on it. */
    public record Body(String outcome, String message) {
        public Body {
            if (outcome == null) {
                throw new InvalidInput("outcome is required: succeeded, merged or failed");
            }
            message = Check.optionalText("message", message, Check.TEXT_MAX);
        }

        CallbackStatus status() {
            CallbackStatus status = CallbackStatus.fromWire(outcome);
            if (status == CallbackStatus.PENDING) {
                throw new InvalidInput("outcome 'pending' reports progress, which is the migrator's to report: "
                                               + "an operator completes a step with succeeded, merged or failed");
            }
            return status;
        }
    }

    /** The answer: the step, the dispatch it completed, its status now, and whether this request changed it. */
    public record Completed(String runId, String step, int dispatch, StepStatus stepStatus, boolean applied) {
    }

    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final Actors actors;

    public CompleteStep(RedisState state, RunClient runs, HistoryRecorder history, Actors actors) {
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-step-complete", Method.POST, "/migrations/{id}/candidates/{cid}/steps/{step}/complete",
                                 Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        String stepName = Http.slugParam(req, "step");
        Body body = Json.read(Http.jsonBody(req), Body.class);
        CallbackStatus outcome = body.status();
        RunRecord run = CurrentRun.of(ref, state);
        if (state.runs().steps(run.runId()).stream().map(Step::name).noneMatch(stepName::equals)) {
            throw new ApiException(Status.CONFLICT_409, RefusalCodes.UNKNOWN_STEP,
                                   "run " + run.runId() + " has no step '" + stepName + "'");
        }
        Instant now = Instant.now();
        try {
            // The update names the dispatch the run is at, as a migrator's callback does; the run checks again that the
            // step is current and waiting, so a callback that landed in between wins and this one is refused (409).
            RunProgress progress = runs.progress(run.runId());
            if (!stepName.equals(progress.currentStep())) {
                throw new ApiException(Status.CONFLICT_409, RefusalCodes.NOT_CURRENT_STEP, "step '" + stepName
                        + "' is not the current step of run " + run.runId()
                        + (progress.currentStep() == null ? "" : " ('" + progress.currentStep() + "' is)"));
            }
            OperatorAction action = actors.action(req, now, "complete-step", ref.migrationId(), ref.candidateId(), run.runId(),
                                                  Map.of("step", stepName, "dispatch", Integer.toString(progress.dispatch()),
                                                         "outcome", outcome.wire()));
            String message = body.message().isEmpty() ? "marked " + outcome.wire() + " by " + action.actor() : body.message();
            CallbackOutcome applied = runs.callback(run.runId(), Callback.of(
                    stepName, progress.dispatch(), outcome, Map.of(COMPLETED_BY, action.actor()), message), action.actor());
            if (applied.applied()) {
                history.record(action);
            }
            Http.json(res, new Completed(run.runId(), stepName, progress.dispatch(), applied.stepStatus(), applied.applied()));
        } catch (RunRefused e) {
            throw new ApiException(Status.CONFLICT_409, e.code(), e.getMessage());
        } catch (RunsUnavailable e) {
            throw RunsDown.answer(e);
        }
    }
}
