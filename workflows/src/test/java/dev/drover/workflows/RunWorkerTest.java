package dev.drover.workflows;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.state.RedisState;
import dev.drover.core.state.RunStore;
import dev.drover.workflows.rollout.RolloutClient;
import dev.drover.core.rollout.RolloutProgress;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.workflows.rollout.RolloutState;
import dev.drover.core.rollout.RolloutStore;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker as the deployment starts it ({@link RunWorker#start}), on Temporal's test server and the machine's Redis:
 * what it serves. No Dapr sidecar runs here, so a step's event is never published; the step is marked dispatched
 * before its publish, which is what these tests look at.
 */
class RunWorkerTest {
    private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    private final RedisState state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                        "drover-test-" + UUID.randomUUID() + ":");
    private final DaprClient dapr = new DaprClientBuilder().build();
    private final SigningKeys keys = SigningKeys.generate();
    private final RunClient runs = new RunClient(env.getWorkflowClient());

    @AfterEach
    void close() throws Exception {
        env.close();
        dapr.close();
        state.deleteAllKeys();
        state.close();
    }

    private void announce(String migrationId, String... candidates) {
        state.migrations().announce(new Migration(migrationId, "Test", "", List.of(), List.of(step("bump", Map.of())), List.of()),
                                    "test-migrator");
        state.candidates().merge(migrationId, java.util.Arrays.stream(candidates)
                .map(id -> new DiscoveredCandidate(id, "app", Map.of(), List.of(), List.of())).toList());
    }

    private RunPlan startRun(String migrationId, String candidateId) {
        String runId = "run-" + UUID.randomUUID();
        List<Step> steps = List.of(step("bump", Map.of()));
        RunStore.Claim claim = state.runs().claim(migrationId, candidateId, runId,
                                                  CallbackTokens.hash(new CallbackTokens(keys).token(runId)), steps);
        RunPlan plan = new RunPlan(runId, migrationId, candidateId, ((RunStore.Claim.Claimed) claim).attempt(), steps);
        runs.start(plan);
        return plan;
    }

    private Optional<StepStatus> stepStatus(String migrationId, String candidateId) {
        return state.runs().stepState(migrationId, candidateId, "bump").map(StepState::status);
    }

    private void awaitDispatched(String migrationId, String candidateId) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (stepStatus(migrationId, candidateId).orElse(null) != StepStatus.DISPATCHED) {
            assertTrue(System.nanoTime() < until, "the step was never dispatched: " + stepStatus(migrationId, candidateId));
            Thread.sleep(20);
        }
    }

    @Test
    void theWorkerRunsRunsAndRolloutsWhoseRunsGetThePlatformsDefaultDeadline() throws Exception {
        announce("w-serves", "a", "b");
        try (RunWorker ignored = RunWorker.start(env.getWorkflowClient(), state, dapr, "pubsub", "http://drover.test",
                                                 RunWorker.Cache.NONE, keys)) {
            startRun("w-serves", "a");
            awaitDispatched("w-serves", "a");

            RolloutSpec spec = new RolloutSpec("rollout-w", "w-serves", null, 5, null, List.of(), null, Map.of(), "ann",
                                               Instant.now().toString());
            RolloutStore store = new RolloutStore(state.redis(), state.keys());
            RolloutState initial = RolloutState.start(spec, spec.createdAt());
            store.create(spec, initial.progress());
            new RolloutClient(runs).start(spec, initial);
            awaitDispatched("w-serves", "b");
            String runId = state.runs().currentRunId("w-serves", "b").orElseThrow();
            assertEquals(StepDeadlines.DEFAULT.toString(), state.runs().steps(runId).getFirst().config().get(Deadlines.CONFIG_KEY),
                         "a rollout's runs get the platform's default deadline, as runs started by an operator do");
            assertEquals(RolloutProgress.ABORTED, new RolloutClient(runs).act(spec.rolloutId(), "abort", "ann"));
            assertTrue(runs.awaitEnd(spec.rolloutId(), Duration.ofSeconds(10)));
            assertEquals(RolloutProgress.ABORTED, store.find("w-serves", spec.rolloutId()).orElseThrow().status());
        }
    }

    @Test
    void aClosedWorkerRunsNothingMore() throws Exception {
        announce("w-closed", "a", "b");
        RunWorker worker = RunWorker.start(env.getWorkflowClient(), state, dapr, "pubsub", "http://drover.test",
                                           RunWorker.Cache.STICKY, keys);
        startRun("w-closed", "a");
        awaitDispatched("w-closed", "a");
        worker.close();
        startRun("w-closed", "b");
        Thread.sleep(1000);
        assertEquals(Optional.of(StepStatus.NOT_STARTED), stepStatus("w-closed", "b"), "no worker polls: the run waits");
    }
}
