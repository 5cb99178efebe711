package dev.drover.functions.runs;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.InvalidInput;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.core.history.OutboxEntry;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code PATCH /migrations/{id}/candidates/{cid}/inputs}: sets some of the candidate's inputs (only
 * declared ones). During a run they apply from the next dispatch or retry.
 */
public final class EditInputs implements Function {
    private static final TypeReference<Map<String, String>> INPUTS = new TypeReference<>() { };

    /** The answer: every input the candidate now has. */
    public record Body(Map<String, String> inputs) {
    }

    private final RedisState state;
    private final Actors actors;

    public EditInputs(RedisState state, Actors actors) {
        this.state = state;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-inputs", Method.PATCH, "/migrations/{id}/candidates/{cid}/inputs", Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        Map<String, String> given = Json.read(Http.jsonBody(req), INPUTS);
        if (given == null) {
            throw new InvalidInput("the body must be a JSON object of input names to values");
        }
        Map<String, String> declared = Inputs.declaredOnly(ref.migration(), given);
        // The audit names the run the edit applies to, when one is under way; the edit and its entry are one MULTI/EXEC.
        boolean running = ref.candidate().status() == CandidateStatus.RUNNING || ref.candidate().status() == CandidateStatus.FAILED;
        state.runs().setInputs(ref.migrationId(), ref.candidateId(), declared, OutboxEntry.encode(
                actors.action(req, Instant.now(), "inputs", ref.migrationId(), ref.candidateId(),
                              running ? state.runs().currentRunId(ref.migrationId(), ref.candidateId()).orElse(null) : null,
                              declared)));
        Http.json(res, new Body(new TreeMap<>(state.runs().inputs(ref.migrationId(), ref.candidateId()))));
    }
}
