package dev.drover.core.rollout;

import dev.drover.contract.model.InvalidInput;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an operator's failure budget accepts, and the moment it pauses a rollout: on reaching the budget, not after. */
class FailureBudgetTest {
    @Test
    void aBudgetIsOneCountOfAtLeastOneOrOnePercentFromOneToAHundred() {
        assertEquals(1, new FailureBudget(1, null).count());
        assertEquals(1, new FailureBudget(null, 1).percent());
        assertEquals(100, new FailureBudget(null, 100).percent());
        assertEquals("failureBudget.count must be at least 1, got 0",
                     assertThrows(InvalidInput.class, () -> new FailureBudget(0, null)).getMessage());
        assertEquals("failureBudget.percent must be from 1 to 100, got 0",
                     assertThrows(InvalidInput.class, () -> new FailureBudget(null, 0)).getMessage());
        assertEquals("failureBudget.percent must be from 1 to 100, got 101",
                     assertThrows(InvalidInput.class, () -> new FailureBudget(null, 101)).getMessage());
        assertThrows(InvalidInput.class, () -> new FailureBudget(1, 10));
        assertThrows(InvalidInput.class, () -> new FailureBudget(null, null));
    }

    @Test
    void aCountIsExhaustedByItsLastFailureNotOneLater() {
        FailureBudget three = new FailureBudget(3, null);
        assertFalse(three.exhausted(2, 50));
        assertTrue(three.exhausted(3, 50));
        assertFalse(three.exhausted(0, 50));
    }

    @Test
    void aPercentIsExhaustedWhenTheFailuresReachThatShareOfTheRunsStarted() {
        FailureBudget tenPercent = new FailureBudget(null, 10);
        assertTrue(tenPercent.exhausted(1, 10), "1 of 10 is 10%");
        assertFalse(tenPercent.exhausted(1, 11), "1 of 11 is under 10%");
        assertTrue(tenPercent.exhausted(2, 11));
        // A failure before any run is counted as started still counts against one run.
        assertTrue(new FailureBudget(null, 100).exhausted(1, 0));
        assertFalse(tenPercent.exhausted(0, 0));
    }
}
