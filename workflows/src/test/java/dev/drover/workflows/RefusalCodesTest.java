package dev.drover.workflows;

import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How a run's refusal is read back from the failure Temporal hands the client: by its type where Temporal kept it, by the
 * code leading the message where Temporal re-typed it (a validator's failure). The code and message reach operators as a
 * 409's body, so neither may come back garbled.
 */
class RefusalCodesTest {

    private static Optional<RunRefused> read(String message, String type) {
        return RefusalCodes.refusal(ApplicationFailure.newNonRetryableFailure(message, type));
    }

    @Test
    void aFailureOfOurTypeIsARefusalWithoutTheCodeRepeatedInItsMessage() {
        RunRefused refused = RefusalCodes.refusal(RefusalCodes.failure(RefusalCodes.NOT_CURRENT_STEP, "the run is at step 'merge'")).orElseThrow();
        assertEquals(RefusalCodes.NOT_CURRENT_STEP, refused.code());
        assertEquals("the run is at step 'merge'", refused.getMessage());

        RunRefused plain = read("no step has failed", RefusalCodes.NO_FAILED_STEP).orElseThrow();
        assertEquals(RefusalCodes.NO_FAILED_STEP, plain.code());
        assertEquals("no step has failed", plain.getMessage(), "a message that does not lead with the code is kept whole");
    }

    @Test
    void aReTypedFailureIsFoundByTheCodeLeadingItsMessage() {
        RunRefused refused = read("stale_dispatch: dispatch 2 was answered, 3 is current", "io.temporal.failure.ApplicationFailure")
                .orElseThrow();
        assertEquals(RefusalCodes.STALE_DISPATCH, refused.code());
        assertEquals("dispatch 2 was answered, 3 is current", refused.getMessage());
    }

    @Test
    void anyOtherFailureIsNoRefusal() {
        assertEquals(Optional.empty(), read("candidate_gone: no such candidate", "candidate_gone"), "not a refusal code");
        assertEquals(Optional.empty(), read("something broke", "java.lang.IllegalStateException"));
        assertEquals(Optional.empty(), read(": stale_dispatch", "other"), "a message with no code before its colon");
    }
}
