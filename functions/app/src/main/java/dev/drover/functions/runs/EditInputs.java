package dev.drover.functions.runs;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.json.Json;
import dev.drover.core.model.InvalidInput;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

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

    public EditInputs(RedisState state) {
        this.state = state;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-inputs", Method.PATCH, "/migrations/{id}/candidates/{cid}/inputs");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CandidateRef ref = CandidateRef.of(req, state);
        Map<String, String> given = Json.read(Http.jsonBody(req), INPUTS);
        if (given == null) {
            throw new InvalidInput("the body must be a JSON object of input names to values");
        }
        state.runs().setInputs(ref.migrationId(), ref.candidateId(), Inputs.declaredOnly(ref.migration(), given));
        Http.json(res, new Body(new TreeMap<>(state.runs().inputs(ref.migrationId(), ref.candidateId()))));
    }
}
