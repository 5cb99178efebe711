package dev.drover.workflows;

import dev.drover.contract.run.StepEvent;
import dev.drover.contract.run.StepStatus;
import dev.drover.history.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.drover.contract.run.CallbackStatus.FAILED;
import static dev.drover.contract.run.CallbackStatus.PENDING;
import static dev.drover.contract.run.CallbackStatus.SUCCEEDED;
import static dev.drover.workflows.RunHarness.callback;
import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a run leaves in the history, written by its activities. */
class RunHistoryTest {
    private final RunHarness harness = new RunHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void aRunWithAFailedAndRetriedStepLeavesEachEventOnce() throws Exception {
        RunPlan plan = harness.start("history", List.of(step("bump", Map.of()), step("verify", Map.of())));
        StepEvent first = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(first, PENDING, Map.of("pullRequest", "https://git.example/pr/3"), "PR open"));
        harness.runs.callback(plan.runId(), callback(first, FAILED, Map.of(), "merge conflict in values.yaml"));
        long until = System.nanoTime() + 10_000_000_000L;
        while (harness.state.runs().stepState(plan.migrationId(), plan.candidateId(), "bump").orElseThrow().status() != StepStatus.FAILED) {
            assertTrue(System.nanoTime() < until, "the step never failed");
            Thread.sleep(20);
        }
        // Temporal retries the report activity whose worker died after it wrote: the run is live, the state
        // write goes through again, and the history must not count the failure twice.
        harness.activities.record(plan, "bump", 1, StepStatus.FAILED, Map.of(), "merge conflict in values.yaml");
        harness.runs.retryStep(plan.runId());
        StepEvent again = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(again, SUCCEEDED, Map.of(), ""));
        StepEvent verify = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(verify, SUCCEEDED, Map.of(), ""));
        assertTrue(harness.awaitEnd(plan));

        harness.writer.drainAll();
        var queries = harness.history.queries();
        Metrics.Totals totals = queries.totals(Optional.of(plan.migrationId()));
        assertEquals(new Metrics.Steps(3, 1, 2, 0, 1), totals.steps());
        assertEquals(1, totals.runs().completed());

        var failures = queries.failures(Optional.of(plan.migrationId()), 10);
        assertEquals(1, failures.size());
        assertEquals("merge conflict in values.yaml", failures.getFirst().message());
        assertEquals("bump", failures.getFirst().step());
        assertEquals(1, failures.getFirst().dispatch());
        // the failure carries what the migrator had reported on that dispatch
        assertEquals("https://git.example/pr/3", failures.getFirst().metadata().get("pullRequest"));

        Map<String, Metrics.StepStats> steps = queries.steps(Optional.of(plan.migrationId())).stream()
                .collect(java.util.stream.Collectors.toMap(Metrics.StepStats::step, s -> s));
        assertEquals(2, steps.get("bump").count());
        assertEquals(0.5, steps.get("bump").failureRate());
        assertEquals(1, steps.get("verify").count());

        // The same for the run's end: a second run of the completing activity records nothing new.
        harness.activities.complete(plan);
        harness.writer.drainAll();
        Metrics.Totals after = queries.totals(Optional.of(plan.migrationId()));
        assertEquals(totals, after);
    }

    @Test
    void aCancelledRunIsRecordedAsCancelled() throws Exception {
        RunPlan plan = harness.start("history-cancel", List.of(step("bump", Map.of())));
        harness.nextEvent();
        harness.runs.cancel(plan.runId());
        assertTrue(harness.awaitEnd(plan));
        harness.writer.drainAll();
        Metrics.Runs runs = harness.history.queries().totals(Optional.of(plan.migrationId())).runs();
        assertEquals(1, runs.cancelled());
        assertEquals(0, runs.completed());
    }
}
