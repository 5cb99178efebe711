package dev.drover.migrator;

import dev.drover.contract.event.CloudEvents;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.run.StepEvent;
import io.cloudevents.CloudEvent;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code POST /steps}: a step event pushed by the broker (binary or structured CloudEvent). It is
 * acknowledged at once and executed off the request thread, so a long step never holds the delivery
 * (which would time out and be redelivered). A redelivery (same run, step and dispatch, which is
 * also what Drover's event id says) is acknowledged and not executed again.
 * <p>
 * Anything can reach this route, so nothing in an event is used before the platform's signature on it
 * (extension {@code droversig}) is checked, and even then its content is treated as untrusted: ids must be
 * slugs, and the step's result goes to the configured callback URL only. Every refusal is a 4xx, so the broker
 * dead-letters the event instead of redelivering it; only keys that cannot be fetched now are a 503.
 */
final class StepRoute implements Handler {
    static final String PATH = "/steps";
    private static final System.Logger LOGGER = System.getLogger(StepRoute.class.getName());

    private final String appId;
    private final PlatformProof proof;
    private final PlatformClient platform;
    private final SeenEvents seen;
    private final StepExecution execution;
    private final ExecutorService work;

    StepRoute(String appId, PlatformProof proof, PlatformClient platform, SeenEvents seen, StepExecution execution,
              ExecutorService work) {
        this.appId = appId;
        this.proof = proof;
        this.platform = platform;
        this.seen = seen;
        this.execution = execution;
        this.work = work;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CloudEvents.Delivered delivery = Requests.cloudEvent(req).orElseThrow(() -> Refusal.unauthenticated("invalid_signature",
                "a step event is a CloudEvent signed by the platform (extension droversig); this is no CloudEvent"));
        CloudEvent cloudEvent = delivery.event();
        Object addressee = cloudEvent.getExtension(StepEvent.MIGRATOR_EXTENSION);
        if (addressee != null && !appId.equals(addressee.toString())) {
            // 4xx: the broker must not redeliver an event no redelivery can make right (a Trigger's filter is wrong).
            throw Refusal.badRequest("wrong_migrator",
                                   "this is " + appId + "; the step event is addressed to " + PlatformProof.abbreviate(addressee.toString()));
        }
        if (!StepEvent.TYPE.equals(cloudEvent.getType())) {
            throw new InvalidInput("malformed_event", "a step event has type " + StepEvent.TYPE + ", not '"
                    + PlatformProof.abbreviate(cloudEvent.getType()) + "'");
        }
        proof.event(cloudEvent, delivery.data());
        StepEvent event = Json.read(delivery.data(), StepEvent.class);
        requireWellFormed(event);
        requirePlatformCallback(cloudEvent, event);
        // One mark, set atomically: Drover's event id is run/step/dispatch too, and a republished event under
        // another id is the same step. If Redis fails here nothing is marked, and the redelivery runs it.
        boolean fresh = seen.firstSight("step:" + event.runId() + "/" + event.step().name() + "/" + event.dispatch());
        if (fresh) {
            work.submit(() -> execution.run(event));
        }
        Answers.json(res, Status.ACCEPTED_202, Map.of("accepted", true, "duplicate", !fresh, "runId", event.runId()));
    }

    /**
     * A step event without what its execution and report need can never be executed: 400, not a retry. Its ids
     * become branch names, keys and paths in migrators, so they must be slugs (no '/', no '..').
     */
    private static void requireWellFormed(StepEvent event) {
        if (event.runId() == null || event.step() == null || event.step().name() == null || event.candidate() == null
                || event.candidate().id() == null || event.callback() == null || event.callback().url() == null
                || event.callback().token() == null || event.dispatch() < 1) {
            throw new InvalidInput("malformed_event", "not a step event: it needs runId, dispatch, step.name, candidate.id "
                    + "and callback.url/token (schemas/events/step-dispatched.schema.json)");
        }
        requireSlug("runId", event.runId());
        requireSlug("migrationId", event.migrationId());
        requireSlug("candidate.id", event.candidate().id());
        requireSlug("step.name", event.step().name());
    }

    private static void requireSlug(String field, String value) {
        if (value == null || value.length() > Check.SLUG_MAX || !Check.SLUG.matcher(value).matches()) {
            throw new InvalidInput("malformed_event", "the step event's " + field + " must be a slug (lower-case letters, digits "
                    + "and inner '-', '.', '_'; at most " + Check.SLUG_MAX + " characters), got '" + PlatformProof.abbreviate(value) + "'");
        }
    }

    /** The result, and the migrator's token with it, go to the configured platform only, whatever the event says. */
    private void requirePlatformCallback(CloudEvent cloudEvent, StepEvent event) {
        String expected = platform.callbackUrl(event.runId());
        if (!expected.equals(event.callback().url())) {
            LOGGER.log(Level.WARNING, "refused step event " + PlatformProof.abbreviate(cloudEvent.getId()) + ": its callback.url '"
                    + PlatformProof.abbreviate(event.callback().url()) + "' is not this migrator's platform (" + expected
                    + "); check DROVER_CALLBACK_URL (default DROVER_API_URL) against the platform worker's");
            throw new InvalidInput("invalid_callback", "the step event's callback.url is not " + expected
                    + ", where this migrator reports to (DROVER_CALLBACK_URL, default DROVER_API_URL)");
        }
    }
}
