package dev.drover.workflows;

import dev.drover.contract.model.Step;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A step whose migration sets no deadline gets the platform's default, so no run waits forever for a missing migrator. */
class StepDeadlinesTest {
    @Test
    void theDefaultIsAWeekAndTheVariableMovesOrRemovesIt() {
        assertEquals(Optional.of(Duration.ofDays(7)), StepDeadlines.fromEnvironment(Map.of()));
        assertEquals(Optional.of(Duration.ofHours(12)), StepDeadlines.fromEnvironment(Map.of("DROVER_STEP_DEADLINE", "PT12H")));
        assertEquals(Optional.empty(), StepDeadlines.fromEnvironment(Map.of("DROVER_STEP_DEADLINE", "none")));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                        () -> StepDeadlines.fromEnvironment(Map.of("DROVER_STEP_DEADLINE", "7 days")));
        assertTrue(refused.getMessage().startsWith("DROVER_STEP_DEADLINE=7 days is not an ISO-8601 duration"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StepDeadlines.fromEnvironment(Map.of("DROVER_STEP_DEADLINE", "PT0S")));
    }

    @Test
    void onlyStepsWithoutADeadlineOfTheirOwnGetItAndManualStepsNever() {
        List<Step> steps = List.of(new Step("bump", "", "m", "bump", Map.of("chart", "x")),
                                   new Step("await-merge", "", "m", "await", Map.of("deadline", "P30D")),
                                   new Step("approve", "", "m", Step.MANUAL, Map.of()));
        List<Step> frozen = StepDeadlines.withDefault(steps, Optional.of(Duration.ofDays(7)));
        assertEquals(Map.of("chart", "x", "deadline", "PT168H"), frozen.get(0).config());
        assertEquals(Map.of("deadline", "P30D"), frozen.get(1).config(), "the migration's own deadline wins");
        assertEquals(Map.of(), frozen.get(2).config(), "a person's step waits for the person");
        assertEquals(steps, StepDeadlines.withDefault(steps, Optional.empty()));
    }
}
