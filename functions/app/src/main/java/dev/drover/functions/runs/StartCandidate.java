package dev.drover.functions.runs;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.json.Json;
import dev.drover.core.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.core.run.RunStatus;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.state.RedisState;
import dev.drover.core.state.RunStore;
import dev.drover.functions.history.Actors;
import dev.drover.history.EventKind;
import dev.drover.history.HistoryEvent;
import dev.drover.history.HistoryRecorder;
import dev.drover.history.OutboxEntry;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunPlan;
import dev.drover.workflows.RunsUnavailable;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /migrations/{id}/candidates/{cid}/start}: a new run (a new attempt) of a not-started
 * candidate, with its steps frozen: the candidate's own steps if it has any, else the migration's.
 */
public final class StartCandidate implements Function {
    private static final System.Logger LOGGER = System.getLogger(StartCandidate.class.getName());

    /** The optional body: inputs to set before starting. */
    public record Body(Map<String, String> inputs) {
        public Body {
            inputs = inputs == null ? Map.of() : inputs;
        }
    }

    /** The answer: the run that was started. */
    public record Started(String runId, int attempt, List<String> steps) {
    }

    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final Actors actors;
    private final CallbackTokens callbackTokens;

    public StartCandidate(RedisState state, RunClient runs, HistoryRecorder history, Actors actors,
                          CallbackTokens callbackTokens) {
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.actors = actors;
        this.callbackTokens = callbackTokens;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-start", Method.POST, "/migrations/{id}/candidates/{cid}/start", Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        Body body = req.content().hasEntity() ? Json.read(Http.jsonBody(req), Body.class) : new Body(Map.of());
        Map<String, String> given = Inputs.declaredOnly(ref.migration(), body.inputs());
        Map<String, String> saved = state.runs().inputs(ref.migrationId(), ref.candidateId());
        Map<String, String> inputs = new HashMap<>(saved);
        inputs.putAll(given);
        Inputs.requireAll(ref.migration(), inputs);

        List<Step> steps = ref.candidate().steps().isEmpty() ? ref.migration().steps() : ref.candidate().steps();
        String runId = "run-" + UUID.randomUUID();
        Instant now = Instant.now();
        // The run's start is appended to the history outbox by the claim itself (the script fills in the attempt).
        RunStore.Claim claim = state.runs().claim(ref.migrationId(), ref.candidateId(), runId,
                                                  CallbackTokens.hash(callbackTokens.token(runId)), steps,
                                                  OutboxEntry.encode(HistoryEvent.runStarted(runId, ref.migrationId(),
                                                                                             ref.candidateId(), 0, now)));
        int attempt = switch (claim) {
            case RunStore.Claim.Claimed claimed -> claimed.attempt();
            case RunStore.Claim.Busy busy -> throw busy(ref, busy);
            case RunStore.Claim.Missing missing -> throw ApiException.notFound("candidate_not_found",
                                                                                "candidate '" + ref.candidateId() + "' is gone");
        };
        state.runs().setInputs(ref.migrationId(), ref.candidateId(), given);
        try {
            runs.start(new RunPlan(runId, ref.migrationId(), ref.candidateId(), attempt, steps));
        } catch (RunsUnavailable e) {
            // The run never began: give the candidate back so it can be started once Temporal answers, with the inputs
            // it had (they were set first so that the first dispatch reads them). Its start is in the history already,
            // so its end goes there too (history would count it active forever otherwise).
            state.runs().restoreInputs(ref.migrationId(), ref.candidateId(), saved, given.keySet());
            RunRecord run = state.runs().find(runId).orElseThrow();
            Instant at = Instant.now();
            state.runs().finish(run, RunStatus.CANCELLED, OutboxEntry.encode(HistoryEvent.runEnded(
                    EventKind.RUN_CANCELLED, runId, ref.migrationId(), ref.candidateId(), attempt, at, Duration.between(now, at))));
            throw RunsDown.answer(e, "the run engine (Temporal) did not answer: the run was not started (its attempt is kept, "
                    + "cancelled) and the inputs were not saved; retry later");
        }
        history.record(actors.action(req, now, "start", ref.migrationId(), ref.candidateId(), runId, given));
        LOGGER.log(Level.INFO, "started %s for %s/%s (attempt %d)".formatted(runId, ref.migrationId(), ref.candidateId(), attempt));
        Http.json(res, Status.ACCEPTED_202, new Started(runId, attempt, steps.stream().map(Step::name).toList()));
    }

    private static ApiException busy(CandidateRef ref, RunStore.Claim.Busy busy) {
        String candidate = "candidate '" + ref.candidateId() + "'";
        return switch (busy.status()) {
            case COMPLETED -> new ApiException(Status.CONFLICT_409, "already_completed", candidate + " is completed");
            case FAILED -> new ApiException(Status.CONFLICT_409, "already_running", candidate + " has run " + busy.runId()
                    + " waiting on a failed step: retry the step or cancel the run");
            default -> new ApiException(Status.CONFLICT_409, "already_running", candidate + " is running (run " + busy.runId() + ")");
        };
    }
}
