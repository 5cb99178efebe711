package dev.drover.migrator;

import dev.drover.contract.run.StepEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a step handler reads from its step: config and metadata, and the failure it reports when one is missing. */
class StepContextTest {
    private static final StepContext STEP = new StepContext("m", "run-1",
            new StepEvent.StepRef("bump", "bump-chart", Map.of("chart", "web-service", "blank", " ")),
            new StepEvent.CandidateRef("checkout", "application", Map.of("team", "payments"), List.of()), Map.of());

    @Test
    void aConfigValueIsReadAndAMissingOrBlankOneFailsNamingStepAndKey() {
        assertEquals("web-service", STEP.config("chart"));
        assertEquals("step bump needs config 'target'", assertThrows(IllegalArgumentException.class, () -> STEP.config("target")).getMessage());
        assertEquals("step bump needs config 'blank'", assertThrows(IllegalArgumentException.class, () -> STEP.config("blank")).getMessage());
        assertEquals("web-service", STEP.config("chart", "other"));
        assertEquals("2.0.0", STEP.config("target", "2.0.0"));
    }

    @Test
    void aMetadataValueIsReadAndAMissingOneFailsNamingCandidateAndKey() {
        assertEquals("payments", STEP.metadata("team"));
        assertEquals("candidate checkout has no metadata 'env'",
                     assertThrows(IllegalArgumentException.class, () -> STEP.metadata("env")).getMessage());
    }
}
