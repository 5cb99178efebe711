package dev.drover.functions.rollouts;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.RedisState;
import dev.drover.core.rollout.RolloutStore;
import dev.drover.core.rollout.RolloutView;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/** {@code GET /migrations/{id}/rollouts}: the migration's rollouts, newest first (the latest 100), from Redis. */
public final class ListRollouts implements Function {
    public static final int LIMIT = 100;

    public record Body(List<RolloutView> items) {
    }

    private final RedisState state;

    public ListRollouts(RedisState state) {
        this.state = state;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("rollouts-list", Method.GET, "/migrations/{id}/rollouts", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        if (!state.migrations().exists(migrationId)) {
            throw new MigrationNotFound(migrationId);
        }
        Http.json(res, new Body(new RolloutStore(state.redis(), state.keys()).list(migrationId, LIMIT)));
    }
}
