package dev.drover.workflows.rollout;

import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How an operator action's refusal is read back from Temporal's failure: its code is the 409's stable code. */
class RolloutRefusalTest {

    @Test
    void theCodeLeadingTheMessageIsTheRefusalWhateverTheType() {
        RolloutRefusal refusal = RolloutRefusal.of(ApplicationFailure.newNonRetryableFailure(
                "rollout_not_paused: the rollout is running", "io.temporal.failure.ApplicationFailure")).orElseThrow();
        assertEquals(RolloutRefusal.NOT_PAUSED, refusal.code());
        assertEquals("the rollout is running", refusal.getMessage());
    }

    @Test
    void aFailureOfOurTypeIsARefusalEvenWithoutTheCodeInItsMessage() {
        RolloutRefusal refusal = RolloutRefusal.of(ApplicationFailure.newNonRetryableFailure("it has ended", RolloutRefusal.ENDED))
                .orElseThrow();
        assertEquals(RolloutRefusal.ENDED, refusal.code());
        assertEquals("it has ended", refusal.getMessage());
    }

    @Test
    void anyOtherFailureIsNoRefusal() {
        assertEquals(Optional.empty(), RolloutRefusal.of(ApplicationFailure.newNonRetryableFailure("boom: it broke", "other")));
        assertTrue(RolloutRefusal.of(ApplicationFailure.newNonRetryableFailure(": rollout_ended", "other")).isEmpty());
    }
}
