package dev.drover.migrator;

import dev.drover.core.dryrun.DryRunRequest;
import dev.drover.core.dryrun.DryRunResult;
import dev.drover.core.dryrun.StepPreview;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.json.Json;
import dev.drover.core.run.StepEvent;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /dry-run}: simulates every step for one candidate, in order, each seeing the earlier
 * steps' changes, and answers what each would change. Nothing is written anywhere.
 */
final class DryRunRoute implements Function {
    private final StepHandlers handlers;
    private final FileSources files;

    DryRunRoute(StepHandlers handlers, FileSources files) {
        this.handlers = handlers;
        this.files = files;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("dry-run", Method.POST, "/dry-run", dev.drover.core.auth.Access.CONTENT);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        DryRunRequest request = Json.read(Http.jsonBody(req), DryRunRequest.class);
        if (request.candidate() == null || request.steps() == null || request.steps().isEmpty()) {
            throw ApiException.badRequest("invalid_request", "a dry-run needs a candidate and at least one step");
        }
        List<StepHandler> chosen = new ArrayList<>();
        for (StepEvent.StepRef step : request.steps()) {
            chosen.add(handlers.find(step).orElseThrow(() -> unprocessable("unknown_step_type", handlers.unknown(step))));
        }
        List<StepPreview> previews = new ArrayList<>();
        try (FileSource source = files.open(request.candidate())) {
            LayeredDraft draft = new LayeredDraft(source);
            for (int i = 0; i < chosen.size(); i++) {
                StepEvent.StepRef step = request.steps().get(i);
                StepContext context = new StepContext(request.migrationId(), "dry-run", step, request.candidate(),
                                                      request.inputs() == null ? java.util.Map.of() : request.inputs());
                try {
                    chosen.get(i).simulate(context, draft);
                } catch (Exception e) {
                    throw unprocessable("dry_run_failed", "step " + step.name() + " cannot be simulated: " + message(e));
                }
                var changes = draft.changes();
                previews.add(new StepPreview(step.name(), step.type(), changes,
                                             changes.isEmpty() ? "changes no file" : changes.size() + " file(s) change"));
            }
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw unprocessable("dry_run_failed", "cannot read candidate " + request.candidate().id() + "'s files: " + message(e));
        }
        Http.json(res, new DryRunResult(request.migrationId(), request.candidate().id(), previews));
    }

    private static ApiException unprocessable(String code, String message) {
        return new ApiException(Status.UNPROCESSABLE_CONTENT_422, code, message);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
