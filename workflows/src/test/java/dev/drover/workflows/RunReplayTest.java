package dev.drover.workflows;

import dev.drover.contract.run.StepEvent;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.drover.contract.run.CallbackStatus.FAILED;
import static dev.drover.contract.run.CallbackStatus.PENDING;
import static dev.drover.contract.run.CallbackStatus.SUCCEEDED;
import static dev.drover.workflows.RunHarness.callback;
import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs recorded before a change of the workflow's code still replay with it: a worker upgraded while runs are in
 * flight must carry them on, not fail them as non-deterministic. The {@code run-*} histories under {@code histories/}
 * were recorded with commit 0fe14ad (activities, before local activities), by the scenario {@link #completedScenario}
 * plays: a step failed, retried and succeeded, a step pending then succeeded; and a run cancelled while its first step
 * was dispatched. {@code rollout-run-signalled.json} is RolloutWorkflowTest's (a run that signalled its rollout).
 */
class RunReplayTest {

    @Test
    void runsRecordedWithActivitiesReplay() throws Exception {
        WorkflowReplayer.replayWorkflowExecution(recorded("run-completed-with-activities.json"), CandidateRunWorkflow.class);
        WorkflowReplayer.replayWorkflowExecution(recorded("run-cancelled-with-activities.json"), CandidateRunWorkflow.class);
    }

    @Test
    void theSameRunNowReplaysAndTakesFewerActivityAndWorkflowTasks() throws Exception {
        WorkflowExecutionHistory now;
        try (RunHarness harness = new RunHarness()) {
            RunPlan plan = completedScenario(harness);
            now = harness.env.getWorkflowClient().fetchHistory(plan.runId());
        }
        WorkflowReplayer.replayWorkflowExecution(now, CandidateRunWorkflow.class);

        WorkflowExecutionHistory before = WorkflowExecutionHistory.fromJson(recorded("run-completed-with-activities.json"));
        assertEquals(8, count(before, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
                     "the recording dispatched three times, recorded four callbacks and completed (a sanity check)");
        assertEquals(3, count(now, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
                     "only the three dispatches are activities; records and the completion are local activities");
        assertTrue(count(now, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) < count(before, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
                   "fewer workflow tasks: " + count(now, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) + " against "
                           + count(before, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
    }

    private static RunPlan completedScenario(RunHarness harness) throws Exception {
        RunPlan plan = harness.start("replayed", List.of(step("bump", Map.of()), step("merge", Map.of())));
        StepEvent first = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(first, FAILED, Map.of(), "conflict"));
        awaitFailed(harness, plan);
        harness.runs.retryStep(plan.runId());
        StepEvent again = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(again, SUCCEEDED, Map.of(), "bumped"));
        StepEvent merge = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(merge, PENDING, Map.of("pullRequest", "https://git.example/pr/1"), "open"));
        harness.runs.callback(plan.runId(), callback(merge, SUCCEEDED, Map.of(), "merged"));
        assertTrue(harness.awaitEnd(plan));
        return plan;
    }

    private static void awaitFailed(RunHarness harness, RunPlan plan) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (harness.runs.progress(plan.runId()).status() != dev.drover.contract.run.StepStatus.FAILED) {
            assertTrue(System.nanoTime() < until, "the step never failed");
            Thread.sleep(20);
        }
    }

    static long count(WorkflowExecutionHistory history, EventType type) {
        return history.getEvents().stream().map(HistoryEvent::getEventType).filter(type::equals).count();
    }

    static String recorded(String name) throws IOException {
        try (InputStream in = RunReplayTest.class.getResourceAsStream("/histories/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
