package dev.drover.migrator;

import dev.drover.contract.dryrun.DryRunRequest;
import dev.drover.contract.dryrun.DryRunResult;
import dev.drover.contract.dryrun.StepPreview;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepEvent;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /dry-run}: simulates every step for one candidate, in order, each seeing the earlier
 * steps' changes, and answers what each would change: files, and the changes that are no file (actions).
 * Nothing is written anywhere.
 * <p>
 * Only the platform asks: its signature over method, path and body comes as the bearer token, and nothing
 * (no file, no handler) is touched before it is checked. A dry-run answers file contents, so an unchecked
 * one would let anyone read the candidates' repositories through the migrator.
 */
final class DryRunRoute implements Handler {
    static final String PATH = "/dry-run";

    private final PlatformProof proof;
    private final StepHandlers handlers;
    private final FileSources files;

    DryRunRoute(PlatformProof proof, StepHandlers handlers, FileSources files) {
        this.proof = proof;
        this.handlers = handlers;
        this.files = files;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String signature = Requests.bearerToken(req); // before the body is even read
        byte[] body = Requests.body(req);
        proof.request(signature, "POST", PATH, body);
        DryRunRequest request = Json.read(body, DryRunRequest.class);
        if (request.candidate() == null || request.steps() == null || request.steps().isEmpty()) {
            throw Refusal.badRequest("invalid_request", "a dry-run needs a candidate and at least one step");
        }
        // Signed, but still content: ids become paths and branch names in migrators.
        for (String id : new String[] {request.migrationId(), request.candidate().id()}) {
            if (id == null || id.length() > Check.SLUG_MAX || !Check.SLUG.matcher(id).matches()) {
                throw Refusal.badRequest("invalid_request", "the dry-run's migrationId and candidate.id must be slugs, got '"
                        + PlatformProof.abbreviate(id) + "'");
            }
        }
        List<StepHandler> chosen = new ArrayList<>();
        for (StepEvent.StepRef step : request.steps()) {
            // A manual step is a person's (ADR 0013): nothing to simulate, and no handler for it.
            chosen.add(Step.MANUAL.equals(step.type()) ? null
                               : handlers.find(step).orElseThrow(() -> unprocessable("unknown_step_type", handlers.unknown(step))));
        }
        List<StepPreview> previews = new ArrayList<>();
        try (FileSource source = files.open(request.candidate())) {
            LayeredDraft draft = new LayeredDraft(source);
            for (int i = 0; i < chosen.size(); i++) {
                StepEvent.StepRef step = request.steps().get(i);
                if (chosen.get(i) == null) {
                    previews.add(new StepPreview(step.name(), step.type(), List.of(), "manual step: an operator completes it"));
                    continue;
                }
                StepContext context = new StepContext(request.migrationId(), "dry-run", step, request.candidate(),
                                                      request.inputs() == null ? java.util.Map.of() : request.inputs());
                try {
                    chosen.get(i).simulate(context, draft);
                } catch (Exception e) {
                    throw unprocessable("dry_run_failed", "step " + step.name() + " cannot be simulated: " + message(e));
                }
                var changes = draft.changes();
                var actions = draft.actions();
                previews.add(new StepPreview(step.name(), step.type(), changes, actions, summary(changes.size(), actions.size())));
            }
        } catch (Refusal e) {
            throw e;
        } catch (Exception e) {
            throw unprocessable("dry_run_failed", "cannot read candidate " + request.candidate().id() + "'s files: " + message(e));
        }
        Answers.json(res, Status.OK_200, new DryRunResult(request.migrationId(), request.candidate().id(), previews));
    }

    private static String summary(int files, int actions) {
        String changed = files == 0 ? "changes no file" : files + " file(s) change";
        return actions == 0 ? changed : files == 0 ? actions + " action(s)" : changed + ", " + actions + " action(s)";
    }

    private static Refusal unprocessable(String code, String message) {
        return Refusal.unprocessable(code, message);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
