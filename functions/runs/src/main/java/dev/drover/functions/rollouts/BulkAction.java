package dev.drover.functions.rollouts;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunProgress;
import dev.drover.workflows.RunRefused;
import dev.drover.workflows.RunsUnavailable;
import dev.drover.workflows.rollout.Selection;
import dev.drover.core.rollout.Selector;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /migrations/{id}/bulk/retry} (re-dispatch the failed step of every selected candidate whose run waits
 * on one) and {@code /bulk/cancel} (cancel the run of every selected candidate that has one in progress). Bounded per
 * request: at most {@value #LIMIT} selected candidates are looked at; {@code more} says the selection goes on, and
 * calling again acts on the next ones (those acted on no longer match a retry or a cancel). Each candidate acted on
 * is audited as the single action would be, with {@code bulk=true}.
 */
public final class BulkAction implements Function {
    public static final int LIMIT = 500;

    public record Body(Selector selector) {
    }

    /** The answer: how many candidates were selected (this request's share), acted on, and left as they were. */
    public record Result(String action, int selected, int applied, int skipped, boolean more) {
    }

    private final String action;
    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final Actors actors;

    /** @param action "retry" or "cancel" */
    public BulkAction(String action, RedisState state, RunClient runs, HistoryRecorder history, Actors actors) {
        this.action = action;
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("bulk-" + action, Method.POST, "/migrations/{id}/bulk/" + action, Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        Body body = Json.read(Http.jsonBody(req), Body.class);
        if (body.selector() == null) {
            throw ApiException.badRequest("invalid_request", "selector is required (use {} to select every candidate)");
        }
        if (!state.migrations().exists(migrationId)) {
            throw new MigrationNotFound(migrationId);
        }
        Selection selection = new Selection(state.candidates());
        List<String> ids = new ArrayList<>();
        Selection.Cursor cursor = Selection.Cursor.START;
        while (ids.size() < LIMIT && !cursor.done()) {
            Selection.Page page = selection.next(migrationId, body.selector(), cursor, LIMIT - ids.size());
            ids.addAll(page.ids());
            cursor = page.next();
        }
        int applied = 0;
        Instant now = Instant.now();
        for (String candidateId : ids) {
            Optional<RunRecord> run = state.runs().currentRunId(migrationId, candidateId).flatMap(state.runs()::find)
                    .filter(r -> r.status() == RunStatus.RUNNING);
            if (run.isEmpty()) {
                continue;
            }
            try {
                if (action.equals("retry")) {
                    boolean failed = state.candidates().find(migrationId, candidateId).map(Candidate::status)
                            .filter(s -> s == CandidateStatus.FAILED).isPresent();
                    if (!failed) {
                        continue;
                    }
                    RunProgress progress = runs.retryStep(run.get().runId());
                    history.record(actors.action(req, now, "retry-step", migrationId, candidateId, run.get().runId(),
                                                 Map.of("step", progress.currentStep(), "dispatch", Integer.toString(progress.dispatch()),
                                                        "bulk", "true")));
                } else {
                    runs.cancel(run.get().runId());
                    history.record(actors.action(req, now, "cancel", migrationId, candidateId, run.get().runId(), Map.of("bulk", "true")));
                }
                applied++;
            } catch (RunRefused e) {
                // it moved on meanwhile (retried, ended): left as it is
            } catch (RunsUnavailable e) {
                throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "runs_unavailable", "the run engine (Temporal) did not answer after "
                        + applied + " of " + ids.size() + " selected candidates were acted on; retry later (those are no longer selected)");
            }
        }
        history.record(actors.action(req, now, "bulk-" + action, migrationId, null, null,
                                     Map.of("selector", Json.string(body.selector()), "selected", Integer.toString(ids.size()),
                                            "applied", Integer.toString(applied))));
        Http.json(res, Status.ACCEPTED_202, new Result(action, ids.size(), applied, ids.size() - applied, !cursor.done()));
    }
}
