package dev.drover.workflows;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.workflows.rollout.RolloutActivities.StartRequest;
import dev.drover.workflows.rollout.RolloutActivities.StartResult;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.core.rollout.Selector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A rollout's batch of starts: each candidate is answered in the order asked, with what its start came to (started,
 * busy, missing an input, gone), and each started candidate runs once, under the run id the rollout picked.
 */
class RolloutStartsTest {
    private static final String M = "starts-m";

    private final RunHarness harness = new RunHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void aBatchIsAnsweredInTheOrderAskedAndEachStartedCandidateRunsOnce() throws Exception {
        harness.state.migrations().announce(new Migration(M, "Test", "", List.of(), List.of(step("bump", Map.of())),
                                                          List.of(new Input("ticket", "Ticket", ""))), "test-migrator");
        List<DiscoveredCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            candidates.add(new DiscoveredCandidate(String.format("c-%02d", i), "app", Map.of(), List.of(), List.of()));
        }
        harness.state.candidates().merge(M, candidates);
        harness.state.runs().claim(M, "c-07", "run-by-hand", CallbackTokens.hash(RunHarness.TOKENS.token("run-by-hand")),
                                   List.of(step("bump", Map.of())));

        List<StartRequest> batch = new ArrayList<>();
        Map<String, String> expected = new HashMap<>();
        for (int i = 39; i >= 0; i--) { // not in id order: the answer follows the request, not the ids
            String id = String.format("c-%02d", i);
            batch.add(new StartRequest(id, "run-" + id));
            expected.put(id, StartResult.STARTED);
            if (i != 13) { // the rollout gives no ticket: c-13 has none saved either
                harness.state.runs().setInputs(M, id, Map.of("ticket", "OPS-" + i));
            }
        }
        batch.add(new StartRequest("c-gone", "run-c-gone"));
        expected.put("c-gone", StartResult.SKIPPED);
        expected.put("c-07", StartResult.SKIPPED);
        expected.put("c-13", StartResult.SKIPPED);

        RolloutSpec spec = new RolloutSpec("r-starts", M, new Selector(null, null, null, null), 50, null, List.of(), null, Map.of(),
                                           "ada", Instant.now().toString());
        List<StartResult> results = harness.rollouts.start(spec, batch);

        assertEquals(batch.stream().map(StartRequest::candidateId).toList(), results.stream().map(StartResult::candidateId).toList());
        for (StartResult result : results) {
            assertEquals(expected.get(result.candidateId()), result.outcome(), result.toString());
        }
        assertEquals("running", results.stream().filter(r -> r.candidateId().equals("c-07")).findFirst().orElseThrow().reason());
        assertEquals("missing inputs ticket", results.stream().filter(r -> r.candidateId().equals("c-13")).findFirst().orElseThrow().reason());
        assertEquals("gone", results.getLast().reason());

        Map<String, Integer> dispatched = new HashMap<>();
        for (int i = 0; i < 38; i++) {
            StepEvent event = harness.nextEvent();
            dispatched.merge(event.candidate().id(), 1, Integer::sum);
            assertEquals("run-" + event.candidate().id(), event.runId(), "started under the run id the rollout picked");
        }
        assertNull(harness.published.poll(500, TimeUnit.MILLISECONDS), "nothing else started");
        assertEquals(38, dispatched.size());
        assertEquals(List.of(1), dispatched.values().stream().distinct().toList(), "each once");
    }
}
