package dev.drover.functions.rollouts;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.functions.runs.Inputs;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunsUnavailable;
import dev.drover.core.rollout.FailureBudget;
import dev.drover.workflows.rollout.RolloutClient;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.workflows.rollout.RolloutState;
import dev.drover.core.rollout.RolloutStore;
import dev.drover.core.rollout.RolloutView;
import dev.drover.core.rollout.Selector;
import dev.drover.core.rollout.Wave;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /migrations/{id}/rollouts}: starts a rollout (a Temporal workflow) over a selection of candidates.
 * The record is written first, so the rollout is readable at once; if Temporal does not answer, it is removed again.
 */
public final class CreateRollout implements Function {
    public static final int DEFAULT_CONCURRENCY = 10;

    /** The request. Everything but the selector is optional. */
    public record Body(Selector selector, Integer concurrency, Integer ratePerMinute, List<Wave> waves,
                       FailureBudget failureBudget, Map<String, String> inputs) {
    }

    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final Actors actors;

    public CreateRollout(RedisState state, RunClient runs, HistoryRecorder history, Actors actors) {
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("rollout-create", Method.POST, "/migrations/{id}/rollouts", Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        Body body = Json.read(Http.jsonBody(req), Body.class);
        if (body.selector() == null) {
            throw ApiException.badRequest("invalid_request", "selector is required (use {} to select every candidate)");
        }
        Migration migration = state.migrations().definition(migrationId).orElseThrow(() -> new MigrationNotFound(migrationId));
        Map<String, String> inputs = Inputs.declaredOnly(migration, body.inputs() == null ? Map.of() : body.inputs());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RolloutSpec spec = new RolloutSpec("rollout-" + UUID.randomUUID(), migrationId, body.selector(),
                                           body.concurrency() == null ? DEFAULT_CONCURRENCY : body.concurrency(),
                                           body.ratePerMinute(), body.waves(), body.failureBudget(), inputs, Actors.actor(req),
                                           now.toString());
        RolloutStore store = new RolloutStore(state.redis(), state.keys());
        RolloutState initial = RolloutState.start(spec, now.toString());
        store.create(spec, initial.progress());
        try {
            new RolloutClient(runs).start(spec, initial);
        } catch (RunsUnavailable e) {
            store.delete(migrationId, spec.rolloutId());
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "runs_unavailable",
                                   "the run engine (Temporal) did not answer: the rollout was not started; retry later");
        }
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("rolloutId", spec.rolloutId());
        detail.put("selector", Json.string(spec.selector()));
        detail.put("concurrency", Integer.toString(spec.concurrency()));
        if (spec.ratePerMinute() != null) {
            detail.put("ratePerMinute", spec.ratePerMinute().toString());
        }
        if (!spec.waves().isEmpty()) {
            detail.put("waves", Json.string(spec.waves()));
        }
        if (spec.failureBudget() != null) {
            detail.put("failureBudget", Json.string(spec.failureBudget()));
        }
        inputs.forEach((k, v) -> detail.put("input." + k, v));
        history.record(actors.action(req, now, "rollout-create", migrationId, null, null, detail));
        Http.json(res, Status.ACCEPTED_202, RolloutView.of(spec, initial.progress()));
    }
}
