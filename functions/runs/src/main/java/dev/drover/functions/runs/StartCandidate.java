package dev.drover.functions.runs;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.workflows.RunStarter;
import dev.drover.workflows.RunsUnavailable;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /migrations/{id}/candidates/{cid}/start}: a new run (a new attempt) of a not-started
 * candidate, with its steps frozen: the candidate's own steps if it has any, else the migration's.
 */
public final class StartCandidate implements Function {
    private static final System.Logger LOGGER = System.getLogger(StartCandidate.class.getName());

    /**
     * The optional body.
     *
     * @param inputs inputs to set before starting
     * @param rerun  true to run a completed candidate again (an operator re-applies the migration); without it a
     *               completed candidate is 409 {@code already_completed}
     */
    public record Body(Map<String, String> inputs, Boolean rerun) {
        public Body {
            inputs = inputs == null ? Map.of() : inputs;
            rerun = rerun != null && rerun;
        }
    }

    /** The answer: the run that was started. */
    public record Started(String runId, int attempt, List<String> steps) {
    }

    private final RedisState state;
    private final RunStarter starter;
    private final Actors actors;

    public StartCandidate(RedisState state, RunStarter starter, Actors actors) {
        this.state = state;
        this.starter = starter;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-start", Method.POST, "/migrations/{id}/candidates/{cid}/start", Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        Body body = req.content().hasEntity() ? Json.read(Http.jsonBody(req), Body.class) : new Body(Map.of(), false);
        Map<String, String> given = Inputs.declaredOnly(ref.migration(), body.inputs());
        String runId = "run-" + UUID.randomUUID();
        RunStarter.Outcome outcome;
        try {
            outcome = starter.start(ref.migration(), ref.candidate(), runId, given, null,
                                    new RunStarter.Audit(Actors.actor(req), actors.source(req),
                                                         body.rerun() ? Map.of("rerun", "true") : Map.of()),
                                    body.rerun());
        } catch (RunsUnavailable e) {
            throw RunsDown.answer(e, "the run engine (Temporal) did not answer: the run was not started (its attempt is kept, "
                    + "cancelled) and the inputs were not saved; retry later");
        }
        Started started = switch (outcome) {
            case RunStarter.Outcome.Started s -> new Started(s.runId(), s.attempt(), s.steps());
            case RunStarter.Outcome.Busy busy -> throw busy(ref, busy);
            case RunStarter.Outcome.MissingInputs missing -> throw ApiException.badRequest(
                    "missing_inputs", "give a value for every required input before starting: " + String.join(", ", missing.names()));
            case RunStarter.Outcome.Missing missing -> throw ApiException.notFound("candidate_not_found",
                                                                                    "candidate '" + ref.candidateId() + "' is gone");
        };
        LOGGER.log(Level.INFO, "started %s for %s/%s (attempt %d)".formatted(runId, ref.migrationId(), ref.candidateId(), started.attempt()));
        Http.json(res, Status.ACCEPTED_202, started);
    }

    private static ApiException busy(CandidateRef ref, RunStarter.Outcome.Busy busy) {
        String candidate = "candidate '" + ref.candidateId() + "'";
        return switch (busy.status()) {
            case COMPLETED -> new ApiException(Status.CONFLICT_409, "already_completed", candidate + " is completed; to run its "
                    + "steps again (re-apply the migration), start it with {\"rerun\": true}");
            case FAILED -> new ApiException(Status.CONFLICT_409, "already_running", candidate + " has run " + busy.runId()
                    + " waiting on a failed step: retry the step or cancel the run");
            default -> new ApiException(Status.CONFLICT_409, "already_running", candidate + " is running (run " + busy.runId() + ")");
        };
    }
}
