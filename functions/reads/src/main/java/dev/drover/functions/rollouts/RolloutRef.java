package dev.drover.functions.rollouts;

import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.RedisState;
import dev.drover.core.rollout.RolloutStore;
import dev.drover.core.rollout.RolloutView;
import io.helidon.webserver.http.ServerRequest;

/** The rollout a {@code /migrations/{id}/rollouts/{rid}} route names, or the 404 that says what is missing. */
public final class RolloutRef {
    private RolloutRef() {
    }

    public static RolloutView find(ServerRequest req, RedisState state) {
        String migrationId = Http.slugParam(req, "id");
        String rolloutId = Http.slugParam(req, "rid");
        if (!state.migrations().exists(migrationId)) {
            throw new MigrationNotFound(migrationId);
        }
        return new RolloutStore(state.redis(), state.keys()).find(migrationId, rolloutId).orElseThrow(
                () -> ApiException.notFound("rollout_not_found", "migration '" + migrationId + "' has no rollout '" + rolloutId + "'"));
    }
}
