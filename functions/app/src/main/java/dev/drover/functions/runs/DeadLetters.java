package dev.drover.functions.runs;

import dev.drover.contract.run.Callback;
import dev.drover.contract.signing.ProofRefused;
import dev.drover.core.event.EventDelivery;
import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.Signatures;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import dev.drover.workflows.CallbackOutcome;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunRefused;
import dev.drover.workflows.RunsUnavailable;
import io.cloudevents.CloudEvent;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /dead-letters}: the dead-letter sink of the Knative Broker and of every migrator's
 * Trigger. An event lands here when its delivery failed after every retry. A step event that never
 * reached its migrator fails its step, with the reason, so the run waits for an operator (who can
 * retry the step once the migrator is fixed) instead of waiting forever for a callback that will not
 * come. Every dead letter is logged with what Knative says went wrong.
 */
public final class DeadLetters implements Function {
    private static final System.Logger LOGGER = System.getLogger(DeadLetters.class.getName());

    /** The answer: whether this dead letter failed a step (false: not a step event, or the step had moved on). */
    public record Answer(boolean stepFailed) {
    }

    private final RedisState state;
    private final RunClient runs;
    private final SignatureVerifier signatures;

    public DeadLetters(RedisState state, RunClient runs, SignatureVerifier signatures) {
        this.state = state;
        this.runs = runs;
        this.signatures = signatures;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("dead-letters", Method.POST, "/dead-letters", Access.CONTENT);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CloudEvent event = EventDelivery.read(req).event()
                .orElseThrow(() -> new InvalidInput("malformed_event", "a dead letter is a CloudEvent (binary or structured mode)"));
        String why = "delivery to " + extension(event, "knativeerrordest").orElse("its subscriber")
                + " failed" + extension(event, "knativeerrorcode").map(code -> " with HTTP " + code).orElse("");
        LOGGER.log(Level.WARNING, "dead letter: CloudEvent " + event.getType() + " id=" + event.getId()
                + extension(event, StepEvent.MIGRATOR_EXTENSION).map(app -> " for migrator " + app).orElse("") + ": " + why);
        if (!StepEvent.TYPE.equals(event.getType()) || event.getData() == null) {
            Http.json(res, new Answer(false));
            return;
        }
        // Anyone can reach this route: only a step event the platform signed, carrying its run's token, fails a step.
        String addressee = extension(event, StepEvent.MIGRATOR_EXTENSION).orElse("");
        try {
            signatures.verifyEvent(extension(event, Signatures.EVENT_EXTENSION).orElse(null), addressee, event.getId(),
                                   event.getType(), event.getData().toBytes());
        } catch (ProofRefused e) {
            throw new ApiException(Status.FORBIDDEN_403, "invalid_signature", e.getMessage());
        }
        StepEvent step = Json.read(event.getData().toBytes(), StepEvent.class);
        if (step.runId() == null || step.step() == null || step.step().name() == null || step.callback() == null
                || step.callback().token() == null) {
            throw new InvalidInput("malformed_event", "a step event needs runId, step.name and callback.token");
        }
        RunRecord run = state.runs().find(step.runId())
                .filter(found -> CallbackTokens.matches(step.callback().token(), found.tokenHash()))
                .orElseThrow(() -> new ApiException(Status.FORBIDDEN_403, "invalid_token",
                                                    "the token is not valid for run '" + step.runId() + "'"));
        if (run.status() != RunStatus.RUNNING) {
            Http.json(res, new Answer(false));
            return;
        }
        String migrator = extension(event, StepEvent.MIGRATOR_EXTENSION).orElse("its migrator");
        try {
            CallbackOutcome outcome = runs.callback(step.runId(), Callback.of(
                    step.step().name(), step.dispatch(), CallbackStatus.FAILED, Map.of(),
                    "the step event never reached " + migrator + " (" + why + "); check that the migrator is deployed and healthy, then retry the step"), null);
            Http.json(res, new Answer(outcome.applied()));
        } catch (RunRefused e) {
            // the run refuses it (the step moved on: a callback came after all, a retry, a cancel; or it has no such step): nothing to fail
            Http.json(res, new Answer(false));
        } catch (RunsUnavailable e) {
            throw RunsDown.answer(e);
        }
    }

    private static Optional<String> extension(CloudEvent event, String name) {
        return Optional.ofNullable(event.getExtension(name)).map(Object::toString);
    }
}
