package dev.drover.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Step events made from one the platform really dispatched: the forged ones a migrator must refuse, and one the platform
 * could have sent (signed with its key) that names a step type the migrator does not handle.
 */
final class EventVariants {
    /** A step type no migrator handles (the kit's own name). */
    static final String UNKNOWN_TYPE = "drover-conformance-unknown-type";
    private static final String OTHER_APP = "drover-conformance-other-app";

    /** One forged event and what makes it forged. */
    record Forged(String name, String why, CloudEvent event) {
    }

    private final SigningKeys platform;
    private final String app;

    EventVariants(SigningKeys platform, String app) {
        this.platform = platform;
        this.app = app;
    }

    /** Every forgery the contract says a migrator refuses (401, or another 4xx), none of which it may execute. */
    List<Forged> forged(KitServer.Captured real) {
        CloudEvent event = real.event();
        byte[] data = real.data();
        Instant now = Instant.now();
        byte[] tampered = edit(real.json(), json -> ((ObjectNode) json.path("candidate").path("metadata"))
                .put("drover-conformance", "tampered"));
        return List.of(
                new Forged("unsigned", "no droversig extension", CloudEventBuilder.from(event).withoutExtension(Signatures.EVENT_EXTENSION).build()),
                new Forged("tampered", "the platform's signature, over other data (a metadata entry added)",
                           CloudEventBuilder.from(event).withData(event.getDataContentType(), tampered).build()),
                new Forged("foreign-key", "signed like the platform, with a key that is not the platform's",
                           sign(event, data, SigningKeys.generate(), app, now)),
                new Forged("expired", "the platform's signature, made 25 hours ago (past its exp)",
                           sign(event, data, platform, app, now.minus(Signatures.EVENT_LIFETIME).minus(Duration.ofHours(1)))),
                new Forged("other-audience", "the platform's signature for another app (aud " + OTHER_APP + ")",
                           sign(event, data, platform, OTHER_APP, now)),
                new Forged("other-app", "addressed and signed to another app (migratorapp and aud " + OTHER_APP + ")",
                           CloudEventBuilder.from(sign(event, data, platform, OTHER_APP, now))
                                   .withExtension(StepEvent.MIGRATOR_EXTENSION, OTHER_APP).build()));
    }

    /** The real event with another step type, signed with the platform's key: valid in every way the contract checks. */
    CloudEvent unknownType(KitServer.Captured real) {
        byte[] data = edit(real.json(), json -> ((ObjectNode) json.path("step")).put("type", UNKNOWN_TYPE));
        return sign(CloudEventBuilder.from(real.event()).withData(real.event().getDataContentType(), data).build(), data,
                    platform, app, Instant.now());
    }

    private static CloudEvent sign(CloudEvent event, byte[] data, SigningKeys keys, String audience, Instant at) {
        String signature = Signatures.signEvent(keys, event.getId(), event.getType(), audience, data, at);
        return CloudEventBuilder.from(event).withExtension(Signatures.EVENT_EXTENSION, signature).build();
    }

    private static byte[] edit(JsonNode json, Consumer<JsonNode> change) {
        JsonNode copy = json.deepCopy();
        change.accept(copy);
        return Json.bytes(copy);
    }
}
