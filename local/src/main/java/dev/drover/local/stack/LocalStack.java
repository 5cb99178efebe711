package dev.drover.local.stack;

import dev.drover.core.function.FunctionServer;
import dev.drover.core.run.StepEvent;
import dev.drover.core.state.RedisState;
import dev.drover.functions.Catalog;
import dev.drover.functions.OpenApiService;
import dev.drover.functions.Platform;
import dev.drover.history.History;
import dev.drover.local.broker.Broker;
import dev.drover.local.broker.BrokerConfig;
import dev.drover.local.broker.DeliverySpec;
import dev.drover.local.broker.Trigger;
import dev.drover.local.dapr.DaprApp;
import dev.drover.local.dapr.DaprSidecar;
import dev.drover.local.dapr.DaprSidecarConfig;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunWorker;
import dev.drover.workflows.TemporalSettings;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrators.appchart.AppChartMigration;
import dev.drover.migrators.appchart.AppChartMigrator;
import dev.drover.migrators.appchart.AppChartMigratorApp;
import dev.drover.migrators.appchart.AppChartSettings;
import dev.drover.migrators.appchart.DemoGitOpsRepo;
import dev.drover.migrators.hello.HelloMigrator;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;
import io.helidon.webserver.WebServer;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.io.Closeable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything Drover is, in one process, on nothing but Redis and a JDK: Temporal's own server (its real
 * gRPC API, in process), stand-ins for the Dapr sidecar and a Knative Broker that speak the real
 * protocols, every function on one port, the run worker, and the SDK's hello-world migrator as a demo.
 */
public final class LocalStack implements AutoCloseable {
    public static final String APP_ID = "drover";
    public static final String PUBSUB = "pubsub";

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private String temporalAddress;
    private RunWorker.Cache workerCache = RunWorker.Cache.STICKY;
    private WebServer api;
    private DaprSidecar dapr;
    private Broker broker;
    private DaprClient daprClient;
    private RedisState state;
    private History history;
    private String historyUrl;
    private WorkflowClient workflowClient;
    private RunWorker worker;
    private WorkflowClient workerClient;
    private Migrator demo;
    private Migrator chartDemo;

    private LocalStack() {
    }

    public static LocalStack start(LocalStackSettings settings) {
        LocalStack stack = new LocalStack();
        try {
            stack.startParts(settings);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startParts(LocalStackSettings settings) {
        historyUrl = settings.history().url();
        state = RedisState.connect(settings.functions().redisUrl(), settings.functions().redisPrefix());
        parts.push(state);
        history = History.open(settings.history());
        parts.push(history);
        // The stand-ins block one pooled connection per subscription and trigger while they wait for events.
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        UnifiedJedis standInRedis = RedisClient.builder().fromURI(settings.functions().redisUrl().toString()).poolConfig(pool).build();
        parts.push(standInRedis);

        if (settings.temporalAddress().isPresent()) {
            temporalAddress = settings.temporalAddress().get();
        } else {
            Closeable temporal = TestServer.createPortBoundServer(settings.temporalPort());
            parts.push(temporal);
            temporalAddress = "127.0.0.1:" + settings.temporalPort();
            workerCache = RunWorker.Cache.NONE;
            int orphans = OrphanedRuns.cancelAll(state);
            if (orphans > 0) {
                System.getLogger(LocalStack.class.getName()).log(System.Logger.Level.WARNING,
                        orphans + " run(s) from an earlier session had no workflow any more (the in-process Temporal "
                                + "server keeps nothing across restarts); their candidates are back to not started");
            }
        }
        workflowClient = new TemporalSettings(temporalAddress, "default").client();
        parts.push(() -> workflowClient.getWorkflowServiceStubs().shutdownNow());

        String prefix = settings.functions().redisPrefix() + "local:";
        dapr = DaprSidecar.start(DaprSidecarConfig.defaults(standInRedis, prefix).withPorts(settings.daprGrpc(), settings.daprHttp()));
        parts.push(dapr);
        broker = Broker.start(BrokerConfig.defaults(standInRedis, prefix).withPort(settings.broker()).withBroker("drover", "default"));
        parts.push(broker);

        Platform platform = new Platform(state, new RunClient(workflowClient), broker.ingressUri(), history);
        api = FunctionServer.start(settings.functions().withPort(settings.api()), Catalog.all(platform),
                                   List.of(state.readiness()), List.of(new OpenApiService()));
        parts.push(api::stop);
        dapr.addApp(new DaprApp(APP_ID, apiUri()));

        daprClient = new DaprClientBuilder()
                .withPropertyOverrides(Map.of(Properties.GRPC_ENDPOINT, "127.0.0.1:" + dapr.grpcPort(),
                                              Properties.HTTP_ENDPOINT, "http://127.0.0.1:" + dapr.httpPort()))
                .build();
        parts.push(daprClient);
        startWorker();

        for (LocalStackSettings.ExternalMigrator migrator : settings.migrators()) {
            addMigrator(migrator.appId(), migrator.steps());
        }
        if (settings.demoMigrator() >= 0) {
            startDemo(settings);
        }
    }

    /**
     * The demo migrators, announced and discovered like any migrator: the SDK's hello world on a dozen
     * seeded project folders, and app-chart-migrator on a seeded GitOps repository.
     */
    private void startDemo(LocalStackSettings settings) {
        Path projects = DemoSources.helloProjects(settings.demoDir().resolve("hello"), 12);
        int port = settings.demoMigrator() == 0 ? FreePort.pick() : settings.demoMigrator();
        demo = HelloMigrator.builder(projects)
                .dapr(daprClient)
                .start(MigratorSettings.local(apiUri()).withPort(port).withPublicUrl("http://127.0.0.1:" + port));
        parts.push(demo);
        addMigrator(HelloMigrator.APP_ID, demo.stepsUri());

        // app-chart-migrator on a seeded GitOps repository served by the local git host (merge with ./drover merge).
        int chartPort = settings.demoMigrator() == 0 ? FreePort.pick() : settings.demoMigrator() + 1;
        String chartUrl = "http://127.0.0.1:" + chartPort;
        Path gitops;
        try {
            gitops = DemoGitOpsRepo.seed(settings.demoDir().resolve("gitops"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed the demo GitOps repository in " + settings.demoDir() + ": " + e.getMessage(), e);
        }
        AppChartSettings chart = AppChartSettings.fromEnvironment(Map.of("DROVER_GITOPS_REPO", gitops.toString(),
                                                                         "DROVER_LOCAL_GIT_LINK_BASE", chartUrl + "/local-git/changes"));
        chartDemo = AppChartMigratorApp.start(AppChartMigrator.fromSettings(chart), chart,
                                              MigratorSettings.local(apiUri()).withPort(chartPort).withPublicUrl(chartUrl),
                                              java.util.Optional.of(daprClient));
        parts.push(chartDemo);
        addMigrator(AppChartMigration.MIGRATOR_APP, chartDemo.stepsUri());
    }

    /** Starts a run worker (again): tests stop one mid-run and start another, as a crashed pod would be replaced. */
    public synchronized RunWorker startWorker() {
        return startWorker(daprClient);
    }

    /**
     * Starts a run worker whose activities publish step events through {@code publishing} (a test wraps the
     * stack's client to have a worker die mid-activity). The worker gets a connection to Temporal of its own,
     * as a worker pod has, so that {@link #stopWorker()} can cut it.
     */
    public synchronized RunWorker startWorker(DaprClient publishing) {
        stopWorker(false);
        workerClient = new TemporalSettings(temporalAddress, "default").client();
        worker = RunWorker.start(workerClient, state, publishing, PUBSUB, apiUri().toString(), workerCache,
                                history.recorder());
        return worker;
    }

    /**
     * Stops the run worker as a crashed pod stops: its connection to Temporal goes first, so nothing it was
     * doing reaches Temporal any more (an activity's result, a workflow task's completion); Temporal gives
     * what the worker had started to the next worker once its start-to-close timeout passes (without the cut,
     * the SDK would report an interrupted activity as failed, a goodbye a crashed pod never sends). Cancelling
     * the connection's calls also ends the worker's long polls on the server (it drops a poll whose call is
     * cancelled), so no dead poll takes a task later.
     */
    public synchronized void stopWorker() {
        stopWorker(true);
    }

    /** Stops the run worker; when not as a crash, its threads stop before its connection (no errors logged). */
    private void stopWorker(boolean crash) {
        if (worker != null) {
            if (crash) {
                workerClient.getWorkflowServiceStubs().shutdownNow();
            }
            worker.close();
            workerClient.getWorkflowServiceStubs().shutdownNow();
            worker = null;
            workerClient = null;
        }
    }

    /**
     * Routes step events for {@code appId} to {@code steps}: a Knative Trigger filtered on the type and the
     * migrator extension, whose dead letters go to the dead-letters function (as in knative/base/migrators/).
     */
    public void addMigrator(String appId, URI steps) {
        broker.addTrigger(new Trigger(appId, Map.of("type", StepEvent.TYPE, StepEvent.MIGRATOR_EXTENSION, appId), steps,
                                      Optional.of(DeliverySpec.defaults().withDeadLetterSink(apiUri().resolve("/dead-letters")))));
    }

    public URI apiUri() {
        return URI.create("http://127.0.0.1:" + api.port());
    }

    public String temporalAddress() {
        return temporalAddress;
    }

    public Broker broker() {
        return broker;
    }

    public DaprClient daprClient() {
        return daprClient;
    }

    public RedisState state() {
        return state;
    }

    public History history() {
        return history;
    }

    public WorkflowClient workflowClient() {
        return workflowClient;
    }

    /** What listens where, for people. */
    public String describe() {
        return String.join(System.lineSeparator(),
                           "Drover API           " + apiUri() + "  (spec: " + apiUri() + "/openapi.yaml)",
                           "Temporal             " + temporalAddress,
                           "Dapr sidecar API     grpc 127.0.0.1:" + dapr.grpcPort() + ", http http://127.0.0.1:" + dapr.httpPort(),
                           "Broker ingress       " + broker.ingressUri(),
                           "History database     " + historyUrl.replaceAll(";.*", ""),
                           demo == null ? "Demo migrators       off"
                                        : "Demo migrators       " + demo.uri() + "  (" + demo.appId() + ", migration "
                                          + demo.migration().id() + ")",
                           chartDemo == null ? "" : "                     " + chartDemo.uri() + "  (" + chartDemo.appId()
                                          + ", migration " + chartDemo.migration().id() + "; ./drover merge <candidate>)");
    }

    @Override
    public void close() {
        synchronized (this) {
            stopWorker(false);
        }
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                System.getLogger(LocalStack.class.getName()).log(System.Logger.Level.WARNING, "stopping a part failed: " + e);
            }
        }
    }

}
