package dev.drover.functions.rollouts;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /migrations/{id}/rollouts/{rid}}: one rollout, as its workflow last saved it to Redis. */
public final class GetRollout implements Function {
    private final RedisState state;

    public GetRollout(RedisState state) {
        this.state = state;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("rollout-get", Method.GET, "/migrations/{id}/rollouts/{rid}", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Http.json(res, RolloutRef.find(req, state));
    }
}
