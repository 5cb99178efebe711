package dev.drover.workflows;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.state.RunStore;
import dev.drover.core.history.HistoryEvent;
import dev.drover.history.Metrics;
import dev.drover.core.history.OutboxEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciler asks Temporal: a run whose workflow is open is left alone, one claimed in Redis whose
 * workflow Temporal never had (the process died between the claim and the start) is ended with its steps
 * and its history, once.
 */
class RunReconcilerTest {
    private final RunHarness harness = new RunHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void onlyRunsWhoseWorkflowIsGoneAreEndedAndTheHistoryAgrees() throws Exception {
        RunPlan live = harness.start("live", List.of(step("bump", Map.of())));
        harness.nextEvent();
        // An orphan: claimed (its start in the history outbox), never started in Temporal.
        RunPlan other = harness.start("other", List.of(step("bump", Map.of())));
        harness.nextEvent();
        String migrationId = "m-orphan";
        harness.state.migrations().announce(new dev.drover.contract.model.Migration(migrationId, "Orphan", "", List.of(),
                                                                                 List.of(step("bump", Map.of())), List.of()), "test-migrator");
        harness.state.candidates().merge(migrationId, List.of(new dev.drover.contract.model.DiscoveredCandidate("orphan", "app", Map.of(), List.of(), List.of())));
        RunStore.Claim claim = harness.state.runs().claim(migrationId, "orphan", "run-orphan", CallbackTokens.hash("t"),
                                                          List.of(step("bump", Map.of())),
                                                          OutboxEntry.encode(HistoryEvent.runStarted("run-orphan", migrationId, "orphan", 0, Instant.now())));
        assertTrue(claim instanceof RunStore.Claim.Claimed);

        assertTrue(harness.runs.isOpen(live.runId()));
        assertFalse(harness.runs.isOpen("run-orphan"));
        // The reconciler's clock 90 s ahead: the orphan has lasted that long when it is ended.
        RunReconciler reconciler = new RunReconciler(harness.state, run -> !harness.runs.isOpen(run.runId()), Duration.ZERO,
                                                     Clock.offset(Clock.systemUTC(), Duration.ofSeconds(90)));
        assertEquals(1, reconciler.reconcile());
        HistoryEvent cancelled = harness.state.redis().xrange(harness.state.keys().historyOutbox(), (redis.clients.jedis.StreamEntryID) null, null)
                .stream()
                .flatMap(e -> OutboxEntry.decode(e.getFields().get("e")).withScriptFields(e.getFields()).events().stream())
                .filter(e -> e.kind() == dev.drover.core.history.EventKind.RUN_CANCELLED && e.runId().equals("run-orphan"))
                .findFirst().orElseThrow();
        assertTrue(cancelled.duration() != null && cancelled.duration().compareTo(Duration.ofSeconds(90)) >= 0
                           && cancelled.duration().compareTo(Duration.ofSeconds(120)) < 0,
                   "the history keeps how long the orphan lasted: " + cancelled.duration());
        assertEquals(0, reconciler.reconcile(), "a second pass finds nothing");
        // Within the grace period nothing is touched, whatever Temporal says.
        assertEquals(0, new RunReconciler(harness.state, run -> true, Duration.ofMinutes(5), Clock.systemUTC()).reconcile());

        assertEquals(RunStatus.CANCELLED, harness.state.runs().find("run-orphan").orElseThrow().status());
        assertEquals(CandidateStatus.NOT_STARTED, harness.state.candidates().find(migrationId, "orphan").orElseThrow().status());
        assertEquals(StepStatus.NOT_STARTED, harness.state.runs().stepState(migrationId, "orphan", "bump").orElseThrow().status());
        assertEquals(RunStatus.RUNNING, harness.state.runs().find(live.runId()).orElseThrow().status());
        assertEquals(RunStatus.RUNNING, harness.state.runs().find(other.runId()).orElseThrow().status());

        harness.writer.drainAll();
        assertEquals(new Metrics.Runs(1, 0, 1, 0), harness.history.queries().totals(Optional.of(migrationId)).runs());
    }

    @Test
    void aRunWhoseWorkflowWasTerminatedMidStepHasThatStepCancelledSayingWhy() throws Exception {
        RunPlan plan = harness.start("cut", List.of(step("bump", Map.of()), step("verify", Map.of())));
        harness.nextEvent();
        harness.env.getWorkflowClient().newUntypedWorkflowStub(plan.runId()).terminate("terminated by hand");
        RunReconciler reconciler = new RunReconciler(harness.state, run -> !harness.runs.isOpen(run.runId()), Duration.ZERO,
                                                     Clock.systemUTC());
        assertEquals(1, reconciler.reconcile());
        var bump = harness.state.runs().stepState(plan.migrationId(), "cut", "bump").orElseThrow();
        assertEquals(List.of(StepStatus.CANCELLED, "cancelled: the run's workflow is gone"), List.of(bump.status(), bump.message()),
                     "the step it was in is not left dispatched");
        assertEquals(StepStatus.NOT_STARTED, harness.state.runs().stepState(plan.migrationId(), "cut", "verify").orElseThrow().status());
        assertEquals(CandidateStatus.NOT_STARTED, harness.state.candidates().find(plan.migrationId(), "cut").orElseThrow().status());
    }
}
