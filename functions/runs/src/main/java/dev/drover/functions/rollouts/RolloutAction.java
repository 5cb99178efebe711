package dev.drover.functions.rollouts;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunsUnavailable;
import dev.drover.workflows.rollout.RolloutClient;
import dev.drover.workflows.rollout.RolloutRefusal;
import dev.drover.core.rollout.RolloutView;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.Map;

/**
 * {@code POST /migrations/{id}/rollouts/{rid}/pause|resume|promote|abort}: an operator's action on a rollout, a
 * Temporal update its workflow validates: one that does not apply now (promote while no wave waits, resume a running
 * rollout...) is answered 409 with the refusal's code and changes nothing.
 */
public final class RolloutAction implements Function {
    /** The answer: the action taken and the rollout's status right after it (its record follows a moment later). */
    public record Acted(String rolloutId, String action, String status) {
    }

    private final String action;
    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final Actors actors;

    public RolloutAction(String action, RedisState state, RunClient runs, HistoryRecorder history, Actors actors) {
        this.action = action;
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("rollout-" + action, Method.POST, "/migrations/{id}/rollouts/{rid}/" + action, Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        RolloutView rollout = RolloutRef.find(req, state);
        String actor = Actors.actor(req);
        String status;
        try {
            status = new RolloutClient(runs).act(rollout.rolloutId(), action, actor);
        } catch (RolloutRefusal e) {
            throw new ApiException(Status.CONFLICT_409, e.code(), e.getMessage());
        } catch (RunsUnavailable e) {
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "runs_unavailable",
                                   "the run engine (Temporal) did not answer; nothing was changed, retry later");
        }
        history.record(actors.action(req, Instant.now(), "rollout-" + action, rollout.migrationId(), null, null,
                                     Map.of("rolloutId", rollout.rolloutId())));
        Http.json(res, Status.ACCEPTED_202, new Acted(rollout.rolloutId(), action, status));
    }
}
