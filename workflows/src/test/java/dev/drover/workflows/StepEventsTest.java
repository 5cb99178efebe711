package dev.drover.workflows;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import io.cloudevents.CloudEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A step event as a migrator receives it: a signed CloudEvent, in structured JSON. */
class StepEventsTest {
    private static final SigningKeys KEYS = SigningKeys.generate();

    private static StepEvent event() {
        return new StepEvent("run-1", 2, 3, "chart-upgrade", new StepEvent.StepRef("bump", "bump", Map.of("targetVersion", "3.0.0")),
                             new StepEvent.CandidateRef("orders", "app", Map.of("team", "t"), List.of()), Map.of(),
                             new StepEvent.CallbackAddress("http://drover.test/event/run-1", "token"));
    }

    @Test
    void theEventIsIdentifiedByItsDispatchAndAddressedToItsMigrator() {
        Instant now = Instant.parse("2026-12-02T06:00:00Z");
        CloudEvent cloudEvent = StepEvents.cloudEvent(event(), "chart", KEYS, now);
        assertEquals("run-1/bump/3", cloudEvent.getId(), "every publication of one dispatch has the same id");
        assertEquals("run-1/bump/3", StepEvents.eventId(event()));
        assertEquals("/drover/runs", cloudEvent.getSource().toString());
        assertEquals(StepEvent.TYPE, cloudEvent.getType());
        assertEquals("chart-upgrade/orders", cloudEvent.getSubject());
        assertEquals("chart", cloudEvent.getExtension(StepEvent.MIGRATOR_EXTENSION));
        assertEquals("application/json", cloudEvent.getDataContentType());
        assertArrayEquals(Json.bytes(event()), cloudEvent.getData().toBytes());
    }

    @Test
    void theSignatureCoversTheEventAndVerifiesWithThePlatformsPublicKey() throws Exception {
        Instant now = Instant.now();
        CloudEvent cloudEvent = StepEvents.cloudEvent(event(), "chart", KEYS, now);
        SignedJWT jwt = SignedJWT.parse((String) cloudEvent.getExtension(Signatures.EVENT_EXTENSION));
        assertTrue(jwt.verify(new ECDSAVerifier(KEYS.publicKeys().getKeys().getFirst().toECKey().toECPublicKey())));
        assertEquals(List.of("chart"), jwt.getJWTClaimsSet().getAudience());
        assertEquals("run-1/bump/3", jwt.getJWTClaimsSet().getSubject());
        assertEquals(StepEvent.TYPE, jwt.getJWTClaimsSet().getClaim("cetype"));
        assertEquals(Signatures.dataDigest(cloudEvent.getData().toBytes()), jwt.getJWTClaimsSet().getClaim("data_sha256"));
    }

    @Test
    void theStructuredFormCarriesTheEventAsIs() throws Exception {
        CloudEvent cloudEvent = StepEvents.cloudEvent(event(), "chart", KEYS, Instant.now());
        JsonNode json = Json.mapper().readTree(StepEvents.structured(cloudEvent));
        assertEquals("1.0", json.get("specversion").asText());
        assertEquals("run-1/bump/3", json.get("id").asText());
        assertEquals("chart", json.get(StepEvent.MIGRATOR_EXTENSION).asText());
        assertEquals("orders", json.get("data").get("candidate").get("id").asText());
        assertEquals("http://drover.test/event/run-1", json.get("data").get("callback").get("url").asText());
    }
}
