package dev.drover.workflows;

import dev.drover.contract.run.StepEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.drover.contract.run.CallbackStatus.SUCCEEDED;
import static dev.drover.workflows.RunHarness.callback;
import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the reconciler asks Temporal: whether a run is still open. A wrong "no" would end a live run's record; a wrong
 * "yes" would keep a finished one running forever; and no answer must not be taken for either.
 */
class RunClientTest {
    @Test
    void aRunIsOpenUntilItEndsAndAnUnknownRunIsNot() throws Exception {
        try (RunHarness harness = new RunHarness()) {
            RunPlan plan = harness.start("c-1", List.of(step("bump", Map.of())));
            StepEvent event = harness.nextEvent();
            assertTrue(harness.runs.isOpen(plan.runId()), "waiting for its step's callback");

            harness.runs.callback(event.runId(), callback(event, SUCCEEDED, Map.of(), "done"));
            assertTrue(harness.awaitEnd(plan), "the run ends once its only step succeeded");
            assertFalse(harness.runs.isOpen(plan.runId()), "a completed run is not open");
            assertFalse(harness.runs.isOpen("run-never-started"));

            RunPlan cut = harness.start("c-2", List.of(step("bump", Map.of())));
            harness.nextEvent();
            harness.env.getWorkflowClient().newUntypedWorkflowStub(cut.runId()).terminate("by hand");
            assertTrue(harness.runs.awaitEnd(cut.runId(), java.time.Duration.ofSeconds(5)), "ended otherwise than by completing");
        }
    }

    @Test
    void withoutTemporalNothingIsConcluded() {
        io.temporal.client.WorkflowClient client = new TemporalSettings("127.0.0.1:1", "default").client();
        try {
            RunClient unreachable = new RunClient(client);
            assertThrows(RunsUnavailable.class, () -> unreachable.isOpen("run-1"));
        } finally {
            client.getWorkflowServiceStubs().shutdownNow();
        }
    }
}
