package dev.drover.local.broker;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Knative's {@code filter.attributes}: exact match, extensions included, empty value = present. */
class TriggerFilterTest {
    private static final CloudEvent EVENT = CloudEventBuilder.v1()
            .withId("1").withSource(URI.create("/runs")).withType("dev.drover.step.dispatched")
            .withExtension("migratorapp", "chart-migrator")
            .build();

    @Test
    void everyEntryMustMatchExactly() {
        assertTrue(TriggerFilter.matches(Map.of(), EVENT));
        assertTrue(TriggerFilter.matches(Map.of("type", "dev.drover.step.dispatched", "migratorapp", "chart-migrator"), EVENT));
        assertTrue(TriggerFilter.matches(Map.of("source", "/runs", "specversion", "1.0"), EVENT));
        assertFalse(TriggerFilter.matches(Map.of("type", "dev.drover.step.dispatched", "migratorapp", "other"), EVENT));
        assertFalse(TriggerFilter.matches(Map.of("type", "dev.drover.step"), EVENT), "no prefix matching");
    }

    @Test
    void anEmptyValueMatchesAnyValueOfAnAttributeThatIsThere() {
        assertTrue(TriggerFilter.matches(Map.of("migratorapp", ""), EVENT));
        assertFalse(TriggerFilter.matches(Map.of("subject", ""), EVENT));
        assertFalse(TriggerFilter.matches(Map.of("otherextension", ""), EVENT));
    }
}
