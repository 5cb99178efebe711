package dev.drover.workflows;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.history.Metrics;
import dev.drover.core.history.RedisOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Starting one run as an operator's start and a rollout both do: inputs merged and saved, the workflow started, the
 * start audited with who asked; a retried start under the same run id; Temporal not answering.
 */
class RunStarterTest {
    private static final String M = "starter-m";

    private final RunHarness harness = new RunHarness();
    private final HistoryRecorder recorder = RedisOutbox.recorder(harness.state.redis(), harness.state.keys());
    private final RunStarter starter = new RunStarter(harness.state, harness.runs, recorder, RunHarness.TOKENS);
    private final Migration migration = new Migration(M, "Test", "", List.of(), List.of(step("bump", Map.of())),
                                                      List.of(new Input("target-version", "Target version", ""),
                                                              new Input("ticket", "Ticket", "")));
    private final RunStarter.Audit byAna = new RunStarter.Audit("ana", "10.0.0.7", Map.of("rollout", "r-1"));

    @AfterEach
    void close() {
        harness.close();
    }

    private Candidate candidate(String id) {
        harness.state.migrations().announce(migration, "test-migrator");
        harness.state.candidates().merge(M, List.of(new DiscoveredCandidate(id, "app", Map.of(), List.of(), List.of())));
        return harness.state.candidates().find(M, id).orElseThrow();
    }

    @Test
    void givenInputsAreMergedOverTheSavedOnesAndTheStartIsAudited() throws Exception {
        Candidate a = candidate("a");
        assertEquals(new RunStarter.Outcome.MissingInputs(List.of("target-version", "ticket")),
                     starter.start(migration, a, "run-0", Map.of("ticket", " "), null, byAna), "a blank value is no value");
        assertEquals(CandidateStatus.NOT_STARTED, harness.state.candidates().find(M, "a").orElseThrow().status(), "nothing claimed");

        harness.state.runs().setInputs(M, "a", Map.of("target-version", "1.0", "ticket", "OPS-1"));
        RunStarter.Outcome started = starter.start(migration, a, "run-1", Map.of("target-version", "2.0"), null, byAna);
        assertEquals(new RunStarter.Outcome.Started("run-1", 1, List.of("bump")), started);
        StepEvent event = harness.nextEvent();
        assertEquals(Map.of("target-version", "2.0", "ticket", "OPS-1"), event.inputs(), "the given value over the saved one");
        assertEquals(Map.of("target-version", "2.0", "ticket", "OPS-1"), harness.state.runs().inputs(M, "a"), "and saved");

        harness.writer.drainAll();
        Metrics.AuditEntry audit = harness.history.queries().audit(new Metrics.AuditFilter(M, "a", null, "start"),
                                                                   Optional.empty(), 10).items().getFirst();
        assertEquals(List.of("ana", "10.0.0.7", "run-1", Map.of("target-version", "2.0", "rollout", "r-1")),
                     List.of(audit.actor(), audit.source(), audit.runId(), audit.detail()),
                     "who started it, from where, and what they gave");
    }

    @Test
    void aStartRetriedUnderItsRunIdStartsTheWorkflowOnceAndAnotherRunIdFindsTheCandidateBusy() throws Exception {
        Candidate b = candidate("b");
        // Claimed by an earlier attempt of the same start, whose workflow never began (the activity died in between).
        harness.state.runs().claim(M, "b", "run-b", CallbackTokens.hash(RunHarness.TOKENS.token("run-b")), migration.steps());
        Map<String, String> inputs = Map.of("target-version", "2.0", "ticket", "OPS-2");
        assertEquals(new RunStarter.Outcome.Started("run-b", 1, List.of("bump")), starter.start(migration, b, "run-b", inputs, null, byAna));
        assertEquals("run-b", harness.nextEvent().runId(), "its workflow runs now");
        assertEquals(new RunStarter.Outcome.Started("run-b", 1, List.of("bump")), starter.start(migration, b, "run-b", inputs, null, byAna),
                     "again: its workflow runs already");
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "and is not started twice");
        assertEquals(new RunStarter.Outcome.Busy(CandidateStatus.RUNNING, "run-b"),
                     starter.start(migration, b, "run-other", inputs, null, byAna));
        assertEquals(new RunStarter.Outcome.Missing(), starter.start(migration, new Candidate("gone", "app", Map.of(), List.of(), List.of(),
                                                                                               CandidateStatus.NOT_STARTED, null, null, null),
                                                                     "run-gone", inputs, null, byAna));
    }

    @Test
    void whenTemporalDoesNotAnswerTheCandidateIsGivenBackWithItsInputs() {
        Candidate c = candidate("c");
        harness.state.runs().setInputs(M, "c", Map.of("target-version", "1.0", "ticket", "OPS-3"));
        io.temporal.client.WorkflowClient client = new TemporalSettings("127.0.0.1:1", "default").client();
        try {
            RunStarter unreachable = new RunStarter(harness.state, new RunClient(client), recorder, RunHarness.TOKENS);
            assertThrows(RunsUnavailable.class,
                         () -> unreachable.start(migration, c, "run-c", Map.of("target-version", "2.0"), null, byAna));
        } finally {
            client.getWorkflowServiceStubs().shutdownNow();
        }
        assertEquals(CandidateStatus.NOT_STARTED, harness.state.candidates().find(M, "c").orElseThrow().status(),
                     "startable again once Temporal answers");
        assertEquals(Map.of("target-version", "1.0", "ticket", "OPS-3"), harness.state.runs().inputs(M, "c"),
                     "the inputs it had, not the ones of the start that never began");
        assertEquals(dev.drover.contract.run.RunStatus.CANCELLED, harness.state.runs().find("run-c").orElseThrow().status());
    }
}
