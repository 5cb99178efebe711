package dev.drover.contract;

import dev.drover.contract.dryrun.ChangeStatus;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every status of the contract is written, read and listed the same way, in lower snake case. */
class WireNameTest {
    @Test
    void statusesAreWrittenAndReadInLowerSnakeCase() {
        assertEquals("\"not_started\"", Json.string(CandidateStatus.NOT_STARTED));
        assertEquals("\"dispatched\"", Json.string(StepStatus.DISPATCHED));
        assertEquals("\"cancelled\"", Json.string(RunStatus.CANCELLED));
        assertEquals("\"modified\"", Json.string(ChangeStatus.MODIFIED));
        assertEquals(StepStatus.NOT_STARTED, Json.read("\"not_started\"".getBytes(), StepStatus.class));
        assertEquals(CallbackStatus.MERGED, CallbackStatus.fromWire("merged"));
    }

    @Test
    void anUnknownStatusIsRefusedNamingEveryAcceptedOne() {
        InvalidInput refused = assertThrows(InvalidInput.class, () -> CandidateStatus.fromWire("done"));
        assertEquals("status 'done' is not one of not_started, running, failed, completed", refused.getMessage());
        // The upper-case Java name is not a wire name.
        assertThrows(InvalidInput.class, () -> CallbackStatus.fromWire("SUCCEEDED"));
    }

    @Test
    void aCallbackOnTheWireReadsItsStatusAndKeepsItsTokenOutOfTheRun() {
        Callback callback = Json.read("""
                {"stepName":"bump","dispatch":2,"status":"pending","metadata":{"pr":"https://git/pr/1"},"token":"t-1"}
                """.getBytes(), Callback.class);
        assertEquals(CallbackStatus.PENDING, callback.status());
        assertEquals(StepStatus.PENDING, callback.status().stepStatus());
        assertEquals(Map.of("pr", "https://git/pr/1"), callback.metadata());
        assertEquals("t-1", callback.token());
        assertEquals(null, callback.withoutToken().token());
        assertEquals(callback.metadata(), callback.withoutToken().metadata());
        InvalidInput refused = assertThrows(InvalidInput.class, () -> Json.read("""
                {"stepName":"bump","dispatch":1,"status":"done","token":"t"}
                """.getBytes(), Callback.class));
        assertEquals("at status: status 'done' is not one of pending, succeeded, merged, failed", refused.getMessage());
    }
}
