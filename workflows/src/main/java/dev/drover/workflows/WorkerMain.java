package dev.drover.workflows;

import dev.drover.core.function.DaprSubscriptions;
import dev.drover.core.function.Settings;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.state.RedisState;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.outbox.HistoryOutboxWriters;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.helidon.logging.common.LogConfig;
import io.temporal.client.WorkflowClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker deployment's main. Reads {@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE},
 * {@code REDIS_URL}, {@code DROVER_REDIS_PREFIX}, {@code DROVER_PUBSUB}, {@code DROVER_CALLBACK_URL}
 * (the step-callback function's base URL), {@code HISTORY_DB_URL}/{@code _USER}/{@code _PASSWORD} (the history
 * database, shared with the functions: PostgreSQL in a deployment), {@code DROVER_SIGNING_KEY} (the platform's signing
 * key: step events are signed with it and callback tokens derived from it) and the Dapr SDK's own {@code DAPR_API_TOKEN}, {@code DAPR_GRPC_ENDPOINT} /
 * {@code DAPR_HTTP_ENDPOINT} (or ports) to reach its sidecar.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Map<String, String> env = System.getenv();
        Settings settings;
        HistorySettings historySettings;
        SigningKeys keys;
        try {
            settings = Settings.fromEnvironment(env);
            historySettings = HistorySettings.fromEnvironment(env);
            keys = SigningKeys.fromEnvironment(env);
            // Read again where the worker's rollouts start runs (RunWorker); read here so that a bad value is named and
            // exits as any other setting does, before anything connects.
            StepDeadlines.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            System.err.println("drover: " + e.getMessage());
            System.exit(2);
            return;
        }
        RedisState state = RedisState.connect(settings.redisUrl(), settings.redisPrefix());
        DaprClient dapr = new DaprClientBuilder().build();
        WorkflowClient temporal = TemporalSettings.fromEnvironment(env).client();
        RunWorker worker = RunWorker.start(temporal, state, dapr,
                                           env.getOrDefault(DaprSubscriptions.PUBSUB_ENV, DaprSubscriptions.DEFAULT_PUBSUB),
                                           callbackUrl(env), RunWorker.Cache.STICKY, keys);
        // Runs never wait for the history database: the worker polls at once, and the history writer (which
        // empties the outbox the runs' scripts fill) starts whenever the database can be opened.
        HistoryOutboxWriters writers = HistoryOutboxWriters.startWhenReachable(state, historySettings,
                                                                             env.getOrDefault("HOSTNAME", "worker"));
        // After a crash (a workflow terminated in Temporal, a run whose workflow never began), a candidate can be left
        // running under a run nothing drives: at start and every 5 minutes, such runs are ended as a cancel would.
        RunClient runs = new RunClient(temporal);
        RunReconciler reconciler = new RunReconciler(state, run -> !runs.isOpen(run.runId()), Duration.ofMinutes(5),
                                                     Clock.systemUTC());
        ScheduledExecutorService reconciling = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                                                                                                  .name("run-reconciler").factory());
        reconciling.scheduleWithFixedDelay(() -> {
            try {
                int ended = reconciler.reconcile();
                if (ended > 0) {
                    System.getLogger(WorkerMain.class.getName()).log(System.Logger.Level.WARNING,
                            ended + " run(s) had no workflow any more and were cancelled");
                }
            } catch (RuntimeException e) {
                System.getLogger(WorkerMain.class.getName()).log(System.Logger.Level.WARNING, "run reconciler: " + e.getMessage());
            }
        }, 0, 5, TimeUnit.MINUTES);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reconciling.shutdownNow();
            worker.close();
            writers.close();
            state.close();
        }));
        System.out.println("Drover run worker polling task queue " + RunClient.TASK_QUEUE);
    }

    public static String callbackUrl(Map<String, String> env) {
        return env.getOrDefault("DROVER_CALLBACK_URL", "http://127.0.0.1:8080");
    }
}
