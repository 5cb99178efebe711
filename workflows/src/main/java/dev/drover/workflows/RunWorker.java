package dev.drover.workflows;

import dev.drover.core.signing.CallbackTokens;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.state.RedisState;
import dev.drover.core.history.RedisOutbox;
import dev.drover.workflows.rollout.RolloutActivitiesImpl;
import dev.drover.workflows.rollout.RolloutClient;
import dev.drover.workflows.rollout.RolloutWorkflow;
import io.dapr.client.DaprClient;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal worker of runs: polls the {@value RunClient#TASK_QUEUE} task queue, runs
 * {@link CandidateRunWorkflow}s, {@link RolloutWorkflow}s and their activities. One deployment serves every migration.
 */
public final class RunWorker implements AutoCloseable {
    private final WorkerFactory factory;

    private RunWorker(WorkerFactory factory) {
        this.factory = factory;
    }

    /** How the worker caches runs between their workflow tasks. */
    public enum Cache {
        /** Keep runs in memory on a sticky queue: the default, for a real Temporal cluster. */
        STICKY,
        /**
         * Ask for no sticky queue: every workflow task goes to the shared queue with the run's full history
         * and is replayed. For Temporal's test server, which never hands a task queued on a dead worker's
         * sticky queue back to the shared queue (it ignores the sticky schedule-to-start timeout and its
         * ShutdownWorker is a no-op), so a replaced worker would never get the run's next task.
         */
        NONE
    }

    /**
     * Starts polling.
     *
     * @param callbackBaseUrl where migrators reach the step-callback function
     * @param keys            the platform's signing keys: step events are signed, callback tokens derived
     */
    public static RunWorker start(WorkflowClient client, RedisState state, DaprClient dapr, String pubsub,
                                  String callbackBaseUrl, Cache cache, SigningKeys keys) {
        UnhandledCommandLog.install(); // a rollout's run end crossing its continue-as-new is logged as INFO, not a WARNING
        // Virtual threads for workflow code and for task processing (ADR 0019): without a sticky cache every workflow
        // task starts and ends its run's workflow threads, and each hand-over between them and the executor was a
        // futex wake-up of a platform thread.
        WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder().setUsingVirtualWorkflowThreads(true).build());
        WorkerOptions.Builder options = WorkerOptions.newBuilder().setUsingVirtualThreads(true);
        if (cache == Cache.NONE) {
            // A zero workflow cache size does not turn stickiness off (the SDK reads 0 as its default, 600); a zero
            // sticky schedule-to-start timeout does: the worker then sends no sticky attributes with its completions.
            options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
        }
        Worker worker = factory.newWorker(RunClient.TASK_QUEUE, options.build());
        worker.registerWorkflowImplementationTypes(CandidateRunWorkflow.class, RolloutWorkflow.class);
        CallbackTokens tokens = new CallbackTokens(keys);
        RunClient runs = new RunClient(client);
        worker.registerActivitiesImplementations(new RunActivitiesImpl(state, new DaprStepPublisher(dapr, pubsub, keys),
                                                                       callbackBaseUrl, Clock.systemUTC(), tokens, new RolloutClient(runs)),
                                                 new RolloutActivitiesImpl(state, new RunStarter(
                                                         state, runs,
                                                         RedisOutbox.recorder(state.redis(), state.keys()), tokens,
                                                         StepDeadlines.fromEnvironment(System.getenv()))));
        factory.start();
        return new RunWorker(factory);
    }

    /**
     * Stops polling and interrupts what runs (Temporal retries it on another worker), then waits a little for
     * the worker's threads to end, so that whoever closes the connection next does not cut live calls.
     */
    @Override
    public void close() {
        factory.shutdownNow();
        factory.awaitTermination(5, TimeUnit.SECONDS);
    }
}
