package dev.drover.workflows;

import dev.drover.contract.run.StepEvent;
import dev.drover.contract.run.StepStatus;
import dev.drover.history.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.drover.contract.run.CallbackStatus.FAILED;
import static dev.drover.contract.run.CallbackStatus.PENDING;
import static dev.drover.contract.run.CallbackStatus.SUCCEEDED;
import static dev.drover.workflows.RunHarness.callback;
import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    @Test
    void theHistoryKeepsHowLongEachDispatchAndTheRunTookAndWhichReportsEndedTheStep() throws Exception {
        RunPlan plan = harness.start("history-times", List.of(step("bump", Map.of())));
        StepEvent event = harness.nextEvent();
        harness.advance(Duration.ofSeconds(90));
        harness.runs.callback(plan.runId(), callback(event, PENDING, Map.of("pullRequest", "https://git.example/pr/4"), "PR open"));
        harness.advance(Duration.ofSeconds(60));
        harness.runs.callback(plan.runId(), callback(event, SUCCEEDED, Map.of(), "merged"));
        assertTrue(harness.awaitEnd(plan));
        harness.writer.drainAll();

        Metrics.StepStats bump = harness.history.queries().steps(Optional.of(plan.migrationId())).getFirst();
        assertEquals(Map.of("succeeded", 1L), bump.byStatus(), "the progress report did not finish the dispatch");
        assertBetween(150_000, bump.averageMs(), "the dispatch lasted from its dispatch to its final report");

        Map<String, Long> durations = new java.util.HashMap<>();
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(harness.historySettings.url());
             java.sql.PreparedStatement query = db.prepareStatement(
                     "SELECT kind, status, duration_ms FROM history_events WHERE run_id = ? ORDER BY id")) {
            query.setString(1, plan.runId());
            try (java.sql.ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    durations.put(rows.getString("kind") + "/" + rows.getString("status"),
                                  rows.getObject("duration_ms") == null ? null : rows.getLong("duration_ms"));
                }
            }
        }
        assertTrue(durations.containsKey("step_progress/pending"), durations.toString());
        assertNull(durations.get("step_progress/pending"), "a progress report has no duration: the dispatch goes on");
        assertBetween(150_000, durations.get("step_completed/succeeded"), "the step's final report");
        assertBetween(150_000, durations.get("run_completed/completed"), "the run lasted from its start to its end");
    }

    /** {@code actual} is {@code expected} milliseconds, plus what the test itself took (a few seconds at most). */
    private static void assertBetween(long expected, Long actual, String what) {
        assertNotNull(actual, what + ": no duration");
        assertTrue(actual >= expected && actual < expected + 30_000, what + ": " + actual + " ms, expected " + expected);
    }
}
