package dev.drover.functions.runs;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.StepState;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /migrations/{id}/candidates/{cid}/steps}: where each step of the candidate's current (or
 * last) run stands, in order, with the run it belongs to; before any run, the steps a start would run.
 */
public final class GetSteps implements Function {
    /** The answer. {@code runId}, {@code attempt} and {@code runStatus} are null before the first start. */
    public record Body(String runId, Integer attempt, String runStatus, CandidateStatus candidateStatus, List<StepState> steps) {
    }

    private final RedisState state;

    public GetSteps(RedisState state) {
        this.state = state;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-steps", Method.GET, "/migrations/{id}/candidates/{cid}/steps", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        Optional<RunRecord> run = state.runs().currentRunId(ref.migrationId(), ref.candidateId()).flatMap(state.runs()::find);
        if (run.isEmpty()) {
            List<Step> steps = ref.candidate().steps().isEmpty() ? ref.migration().steps() : ref.candidate().steps();
            Http.json(res, new Body(null, null, null, ref.candidate().status(),
                                    steps.stream().map(step -> StepState.notStarted(step.name())).toList()));
            return;
        }
        Map<String, StepState> states = state.runs().stepStates(ref.migrationId(), ref.candidateId());
        List<StepState> steps = state.runs().steps(run.get().runId()).stream()
                .map(step -> states.getOrDefault(step.name(), StepState.notStarted(step.name())))
                .toList();
        Http.json(res, new Body(run.get().runId(), run.get().attempt(), run.get().status().wire(), ref.candidate().status(), steps));
    }
}
