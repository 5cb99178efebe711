package dev.drover.functions;

import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.workflows.CandidateRunWorkflow;
import dev.drover.workflows.RunActivitiesImpl;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunStarter;
import dev.drover.core.history.RedisOutbox;
import dev.drover.workflows.rollout.RolloutActivitiesImpl;
import dev.drover.workflows.rollout.RolloutClient;
import dev.drover.workflows.rollout.RolloutWorkflow;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A platform whose runs and rollouts execute for real: Temporal's in-process test server (real time), the real
 * workflows and activities on the test's Redis; step events are captured where Dapr would take them.
 */
final class RunsTestPlatform implements AutoCloseable {
    final TestWorkflowEnvironment temporal = TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    final BlockingQueue<StepEvent> published = new LinkedBlockingQueue<>();
    final Platform platform;
    private final RedisState state;
    final History history = TestPlatform.history();

    RunsTestPlatform(RedisState state, URI broker) {
        this.state = state;
        Worker worker = temporal.newWorker(RunClient.TASK_QUEUE);
        // Runs and rollouts on one worker, as RunWorker registers them.
        worker.registerWorkflowImplementationTypes(CandidateRunWorkflow.class, RolloutWorkflow.class);
        RunClient runs = new RunClient(temporal.getWorkflowClient());
        worker.registerActivitiesImplementations(
                new RunActivitiesImpl(state, (event, app) -> published.add(event), "http://drover.test", Clock.systemUTC(),
                                      TestTrust.TRUST.callbackTokens(), new RolloutClient(runs)),
                new RolloutActivitiesImpl(state, new RunStarter(state, runs, RedisOutbox.recorder(state.redis(), state.keys()),
                                                                TestTrust.TRUST.callbackTokens())));
        temporal.start();
        platform = new Platform(state, runs, broker, history, TestTrust.TRUST);
    }

    /** Announces a migration of {@link Fixtures#migration}'s steps requiring the input target-version, with these candidates. */
    void migration(String migrationId, List<String> candidateIds) {
        Migration migration = Fixtures.migration(migrationId);
        state.migrations().announce(new Migration(migrationId, migration.name(), "", List.of(), migration.steps(),
                                                  List.of(new Input("target-version", "Target version", ""))), "test-migrator");
        state.candidates().merge(migrationId, candidateIds.stream().map(id -> Fixtures.candidate(id, Map.of("team", "payments"))).toList());
    }

    StepEvent nextEvent() throws InterruptedException {
        StepEvent event = published.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "no step event was published");
        return event;
    }

    @Override
    public void close() {
        temporal.close();
        history.close();
    }
}
