package dev.drover.workflows;

import dev.drover.core.state.RedisState;
import dev.drover.history.HistoryRecorder;
import io.dapr.client.DaprClient;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;

import java.time.Clock;

/**
 * The Temporal worker of runs: polls the {@value RunClient#TASK_QUEUE} task queue, runs
 * {@link CandidateRunWorkflow}s and their activities. One deployment serves every migration.
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
         * Replay each run from its history on every task. For Temporal's test server, which never hands a
         * dead worker's sticky tasks back to the shared queue, so a replaced worker would not get them.
         */
        NONE
    }

    /**
     * Starts polling.
     *
     * @param callbackBaseUrl where migrators reach the step-callback function
     * @param history         where runs record their events
     */
    public static RunWorker start(WorkflowClient client, RedisState state, DaprClient dapr, String pubsub,
                                  String callbackBaseUrl, Cache cache, HistoryRecorder history) {
        WorkerFactory factory = cache == Cache.STICKY
                ? WorkerFactory.newInstance(client)
                : WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(0).build());
        Worker worker = factory.newWorker(RunClient.TASK_QUEUE);
        worker.registerWorkflowImplementationTypes(CandidateRunWorkflow.class);
        worker.registerActivitiesImplementations(new RunActivitiesImpl(state, new DaprStepPublisher(dapr, pubsub),
                                                                       callbackBaseUrl, Clock.systemUTC(), history));
        factory.start();
        return new RunWorker(factory);
    }

    /** Stops polling; activities in flight finish or are retried by Temporal on another worker. */
    @Override
    public void close() {
        factory.shutdownNow();
    }
}
