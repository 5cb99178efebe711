package dev.drover.migrator;

import dev.drover.core.event.EventDelivery;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.json.Json;
import dev.drover.core.run.StepEvent;
import dev.drover.core.model.InvalidInput;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code POST /steps}: a step event pushed by the broker (binary or structured CloudEvent). It is
 * acknowledged at once and executed off the request thread, so a long step never holds the delivery
 * (which would time out and be redelivered). A redelivery (same run, step and dispatch, which is
 * also what Drover's event id says) is acknowledged and not executed again.
 */
final class StepRoute implements Function {
    private final String appId;
    private final SeenEvents seen;
    private final StepExecution execution;
    private final ExecutorService work;

    StepRoute(String appId, SeenEvents seen, StepExecution execution, ExecutorService work) {
        this.appId = appId;
        this.seen = seen;
        this.execution = execution;
        this.work = work;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("steps", Method.POST, "/steps", dev.drover.core.auth.Access.CONTENT);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        EventDelivery delivery = EventDelivery.read(req);
        StepEvent event = Json.read(delivery.data(), StepEvent.class);
        Object addressee = delivery.event().map(e -> e.getExtension(StepEvent.MIGRATOR_EXTENSION)).orElse(null);
        if (addressee != null && !appId.equals(addressee.toString())) {
            // 4xx: the broker must not redeliver an event no redelivery can make right (a Trigger's filter is wrong).
            throw new ApiException(Status.BAD_REQUEST_400, "wrong_migrator",
                                   "this is " + appId + "; the step event is addressed to " + addressee);
        }
        requireWellFormed(event);
        // One mark, set atomically: Drover's event id is run/step/dispatch too, and a republished event under
        // another id is the same step. If Redis fails here nothing is marked, and the redelivery runs it.
        boolean fresh = seen.firstSight("step:" + event.runId() + "/" + event.step().name() + "/" + event.dispatch());
        if (fresh) {
            work.submit(() -> execution.run(event));
        }
        Http.json(res, Status.ACCEPTED_202, Map.of("accepted", true, "duplicate", !fresh, "runId", event.runId()));
    }

    /** A step event without what its execution and report need can never be executed: 400, not a retry. */
    private static void requireWellFormed(StepEvent event) {
        if (event.runId() == null || event.step() == null || event.step().name() == null || event.candidate() == null
                || event.candidate().id() == null || event.callback() == null || event.callback().url() == null
                || event.callback().token() == null || event.dispatch() < 1) {
            throw new InvalidInput("malformed_event", "not a step event: it needs runId, dispatch, step.name, candidate.id "
                    + "and callback.url/token (schemas/events/step-dispatched.schema.json)");
        }
    }
}
