package dev.drover.workflows;

import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;

import java.net.URI;
import java.time.Instant;

/** Step events as CloudEvents 1.0 in structured JSON, the form they are published in. */
public final class StepEvents {
    static final URI SOURCE = URI.create("/drover/runs");

    private StepEvents() {
    }

    /**
     * The event id is the same for every publication of one dispatch (a retried activity republishes
     * it), so a migrator can drop redeliveries by id.
     */
    public static String eventId(StepEvent event) {
        return event.runId() + "/" + event.step().name() + "/" + event.dispatch();
    }

    /** The step event for {@code migratorApp}, signed by the platform (see {@link Signatures}), as migrators require. */
    public static CloudEvent cloudEvent(StepEvent event, String migratorApp, SigningKeys keys, Instant now) {
        byte[] data = Json.bytes(event);
        String id = eventId(event);
        return CloudEventBuilder.v1()
                .withId(id)
                .withSource(SOURCE)
                .withType(StepEvent.TYPE)
                .withSubject(event.migrationId() + "/" + event.candidate().id())
                .withExtension(StepEvent.MIGRATOR_EXTENSION, migratorApp)
                .withExtension(Signatures.EVENT_EXTENSION, Signatures.signEvent(keys, id, StepEvent.TYPE, migratorApp, data, now))
                .withDataContentType("application/json")
                .withData(data)
                .build();
    }

    public static byte[] structured(CloudEvent event) {
        return EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(event);
    }
}
