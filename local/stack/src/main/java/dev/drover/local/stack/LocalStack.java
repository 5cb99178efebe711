package dev.drover.local.stack;

import dev.drover.console.signin.SignInSettings;
import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Authenticator;
import dev.drover.core.function.FunctionServer;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.functions.trust.MigratorUrls;
import dev.drover.functions.trust.Trust;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.issuer.DevIssuer;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import dev.drover.functions.Catalog;
import dev.drover.core.http.OpenApiService;
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
import dev.drover.workflows.outbox.HistoryOutboxWriter;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.TokenSource;
import dev.drover.migrators.appchart.AppChartMigration;
import dev.drover.migrators.appchart.AppChartMigrator;
import dev.drover.migrators.appchart.AppChartMigratorApp;
import dev.drover.migrators.appchart.AppChartSettings;
import dev.drover.migrators.appchart.DemoGitOpsRepo;
import dev.drover.migrators.hello.DemoFolders;
import dev.drover.migrators.hello.HelloMigrator;
import dev.drover.migrators.pgrotation.Database;
import dev.drover.migrators.pgrotation.MountedSecretDirectory;
import dev.drover.migrators.pgrotation.PgRotationDemo;
import dev.drover.migrators.pgrotation.PgRotationMigration;
import dev.drover.migrators.pgrotation.PgRotationMigrator;
import dev.drover.migrators.pgrotation.PgRotationSettings;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.dapr.config.Properties;
import io.helidon.webserver.WebServer;
import io.temporal.client.WorkflowClient;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything Drover is, in one process, on nothing but Redis and a JDK: Temporal's own server (its real
 * gRPC API, in process), stand-ins for the Dapr sidecar and a Knative Broker that speak the real
 * protocols, every function on one port, the run worker, and the SDK's hello-world migrator as a demo.
 * Every listener binds {@link LocalStackSettings#bind()} (127.0.0.1 unless {@code DROVER_BIND} says otherwise).
 */
public final class LocalStack implements AutoCloseable {
    public static final String APP_ID = "drover";
    public static final String PUBSUB = "pubsub";

    /** One socket the stack listens on: which part, the interface it was bound to, its port. */
    public record Listener(String part, String host, int port) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final StackReadiness readiness = new StackReadiness();
    private String bind;
    private String connectHost;
    private String appApiToken;
    private String daprApiToken;
    private boolean daprTokenGiven;
    private String temporalAddress;
    private RunWorker.Cache workerCache = RunWorker.Cache.STICKY;
    private TemporalSettings.Server temporalServer = TemporalSettings.Server.CLUSTER;
    private WebServer api;
    private DaprSidecar dapr;
    private Broker broker;
    private DaprClient daprClient;
    private RedisState state;
    private History history;
    private String historyUrl;
    private HistoryOutboxWriter historyWriter;
    private WorkflowClient workflowClient;
    private RunWorker worker;
    private WorkflowClient workerClient;
    private Migrator demo;
    private DevIssuer issuer;
    private SignInSettings signIn;
    private SigningKeys keys;
    private Migrator chartDemo;
    private PgRotationMigrator.Running pgRotation;
    private PgRotationDemo pgRotationDemo;
    private java.nio.file.Path pgSecrets;
    private Optional<URI> callbackUrl = Optional.empty();

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
        bind = settings.bind();
        connectHost = connectHost(bind);
        // Fresh per start, like the tokens a platform injects: nothing on disk or in the environment to leak.
        appApiToken = randomToken();
        daprApiToken = settings.daprApiToken().orElseGet(LocalStack::randomToken);
        daprTokenGiven = settings.daprApiToken().isPresent();
        historyUrl = settings.history().url();
        callbackUrl = settings.callbackUrl();
        state = RedisState.connect(settings.functions().redisUrl(), settings.functions().redisPrefix(),
                                    settings.functions().readCacheBytes());
        parts.push(state);
        history = History.open(settings.history());
        parts.push(history);
        // The history writer empties the outbox the functions and the runs' scripts fill (ADR 0008). One consumer
        // name for every start: after a crash, the restarted stack re-reads what it had read and not yet acknowledged.
        historyWriter = new HistoryOutboxWriter(state.redis(), state.keys(), history, "local-stack").start();
        parts.push(historyWriter);
        // The stand-ins block one pooled connection per subscription and trigger while they wait for events.
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        UnifiedJedis standInRedis = RedisClient.builder().fromURI(settings.functions().redisUrl().toString()).poolConfig(pool).build();
        parts.push(standInRedis);

        if (settings.temporalAddress().isPresent()) {
            temporalAddress = settings.temporalAddress().get();
        } else {
            EmbeddedTemporal temporal = EmbeddedTemporal.start(bind, settings.temporalPort());
            parts.push(temporal);
            listeners.add(new Listener("temporal", bind, temporal.port()));
            temporalAddress = connectHost + ":" + temporal.port();
            workerCache = RunWorker.Cache.NONE;
            temporalServer = TemporalSettings.Server.EMBEDDED; // no worker heartbeats, no gzip: TemporalSettings.client
            int orphans = OrphanedRuns.cancelAll(state);
            if (orphans > 0) {
                System.getLogger(LocalStack.class.getName()).log(System.Logger.Level.WARNING,
                        orphans + " run(s) from an earlier session had no workflow any more (the in-process Temporal "
                                + "server keeps nothing across restarts); their candidates are back to not started");
            }
        }
        workflowClient = new TemporalSettings(temporalAddress, "default").client(temporalServer);
        parts.push(() -> workflowClient.getWorkflowServiceStubs().shutdownNow());

        String prefix = settings.functions().redisPrefix() + "local:";
        dapr = DaprSidecar.start(DaprSidecarConfig.defaults(standInRedis, prefix).withHost(bind)
                                         .withPorts(settings.daprGrpc(), settings.daprHttp())
                                         .withAppApiToken(appApiToken).withApiToken(daprApiToken));
        parts.push(dapr);
        listeners.add(new Listener("dapr-grpc", bind, dapr.grpcPort()));
        listeners.add(new Listener("dapr-http", bind, dapr.httpPort()));
        broker = Broker.start(BrokerConfig.defaults(standInRedis, prefix).withHost(bind).withPort(settings.broker())
                                      .withBroker("drover", "default"));
        parts.push(broker);
        listeners.add(new Listener("broker", bind, broker.port()));

        // The same verification path as production: an OIDC issuer (development, on this stack's interface), the
        // platform's signing key (made per start, like the tokens), migrators reached on loopback only.
        issuer = DevIssuer.start(bind, settings.issuer());
        parts.push(issuer);
        listeners.add(new Listener("issuer", bind, issuer.port()));
        // People sign in to the console at the same issuer, which sends them back to the console's callback on the
        // API's port: registered before anything listens there, as a redirect URI is registered with a real IdP. So the
        // port is known now (picked, when any will do, as the demo migrators' are).
        int apiPort = settings.api() == 0 ? FreePort.pick() : settings.api();
        signIn = SignInSettings.local(issuer.issuer(), URI.create("http://" + connectHost + ":" + apiPort));
        issuer.registerRedirectUri(signIn.redirectUri());
        keys = SigningKeys.generate();
        Trust trust = Trust.of(AuthSettings.of(issuer.issuer(), Optional.of(appApiToken)), keys,
                               new MigratorUrls(MigratorUrls.LOOPBACK), new TrustedProxies(""));
        // The console calls the API over HTTP like any client: here, this stack's own API server.
        Platform platform = new Platform(state, new RunClient(workflowClient), broker.ingressUri(), history, trust, this::apiUri, () -> signIn);
        Authenticator auth = trust.authenticator();
        api = FunctionServer.start(bind, settings.functions().withPort(apiPort), Catalog.all(platform),
                                   List.of(state.readiness(), readiness), List.of(new OpenApiService(auth)), auth);
        parts.push(api::stop);
        listeners.add(new Listener("api", bind, api.port()));
        dapr.addApp(new DaprApp(APP_ID, apiUri()));

        daprClient = new DaprClientBuilder()
                .withPropertyOverrides(Map.of(Properties.GRPC_ENDPOINT, connectHost + ":" + dapr.grpcPort(),
                                              Properties.HTTP_ENDPOINT, "http://" + connectHost + ":" + dapr.httpPort(),
                                              Properties.API_TOKEN, daprApiToken))
                .build();
        parts.push(daprClient);
        startWorker();

        for (LocalStackSettings.ExternalMigrator migrator : settings.migrators()) {
            addMigrator(migrator.appId(), migrator.steps());
        }
        if (settings.demoMigrator() >= 0) {
            startDemo(settings);
        }
        // Last, so the configured and demo migrators' triggers stand first: any other app that announces with a
        // migratorUrl joins the running stack (a Knative Trigger is deployed with a migrator; here it says so itself).
        parts.push(new JoiningMigrators(state, broker, this::addMigrator, java.time.Duration.ofSeconds(1)));
    }

    /**
     * The demo migrators, announced and discovered like any migrator: the SDK's hello world on a dozen
     * seeded project folders, and app-chart-migrator on a seeded GitOps repository.
     */
    private void startDemo(LocalStackSettings settings) {
        Path projects = DemoSources.helloProjects(settings.demoDir().resolve("hello"), 12);
        int port = settings.demoMigrator() == 0 ? FreePort.pick() : settings.demoMigrator();
        demo = HelloMigrator.builder(projects, DemoFolders.around(projects))
                .dapr(daprClient)
                .tokens(migratorTokens(HelloMigrator.APP_ID))
                .start(MigratorSettings.local(apiUri()).withBindHost(bind).withPort(port)
                               .withPublicUrl("http://" + connectHost + ":" + port));
        parts.push(demo);
        listeners.add(new Listener("hello-migrator", bind, demo.port()));
        addMigrator(HelloMigrator.APP_ID, demo.stepsUri());

        // app-chart-migrator on a seeded GitOps repository served by the local git host (merge with ./drover merge).
        int chartPort = settings.demoMigrator() == 0 ? FreePort.pick() : settings.demoMigrator() + 1;
        String chartUrl = "http://" + connectHost + ":" + chartPort;
        Path gitops;
        try {
            gitops = DemoGitOpsRepo.seed(settings.demoDir().resolve("gitops"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed the demo GitOps repository in " + settings.demoDir() + ": " + e.getMessage(), e);
        }
        AppChartSettings chart = AppChartSettings.fromEnvironment(Map.of("DROVER_GITOPS_REPO", gitops.toString(),
                                                                         "DROVER_LOCAL_GIT_LINK_BASE", chartUrl + "/local-git/changes"));
        chartDemo = AppChartMigratorApp.start(AppChartMigrator.fromSettings(chart), chart,
                                              MigratorSettings.local(apiUri()).withBindHost(bind).withPort(chartPort)
                                                      .withPublicUrl(chartUrl)
                                                      .withTokens(migratorTokens(AppChartMigration.MIGRATOR_APP)),
                                              java.util.Optional.of(daprClient));
        parts.push(chartDemo);
        listeners.add(new Listener("app-chart-migrator", bind, chartDemo.port()));
        addMigrator(AppChartMigration.MIGRATOR_APP, chartDemo.stepsUri());

        settings.pgDemo().ifPresent(pg -> startPgRotationDemo(settings, pg));
    }

    /**
     * pg-credential-rotation on the machine's PostgreSQL, when it answers: three demo services marked for rotation, each
     * signed in with the credential in its mounted-Secret folder and following it when it changes, so that a run
     * completes unattended. Without PostgreSQL, one line says so and the stack goes on.
     */
    private void startPgRotationDemo(LocalStackSettings settings, LocalStackSettings.PgDemo pg) {
        PgRotationSettings rotation = pgRotationSettings(settings, pg);
        MountedSecretDirectory secrets = new MountedSecretDirectory(rotation.secretsDir());
        pgSecrets = rotation.secretsDir();
        try {
            pgRotationDemo = PgRotationDemo.start(rotation, pg.name(), secrets);
        } catch (Exception e) {
            System.getLogger(LocalStack.class.getName()).log(System.Logger.Level.INFO, "no pg-credential-rotation demo: PostgreSQL at "
                    + pg.url() + " (user " + pg.user() + ") did not let it seed its roles (" + e.getMessage()
                    + "); set PG_ROTATION_URL and PG_ROTATION_USER to a role that may create roles");
            return;
        }
        parts.push(pgRotationDemo);
        int port = settings.demoMigrator() == 0 ? FreePort.pick() : settings.demoMigrator() + 2;
        pgRotation = PgRotationMigrator.start(rotation, secrets,
                                              MigratorSettings.local(apiUri()).withBindHost(bind).withPort(port)
                                                      .withPublicUrl("http://" + connectHost + ":" + port)
                                                      .withTokens(migratorTokens(PgRotationMigration.MIGRATOR_APP)),
                                              Optional.of(daprClient));
        parts.push(pgRotation);
        listeners.add(new Listener(PgRotationMigration.MIGRATOR_APP, bind, pgRotation.migrator().port()));
        addMigrator(PgRotationMigration.MIGRATOR_APP, pgRotation.migrator().stepsUri());
    }

    /** The demo's migrator settings: its schema and roles named {@code pg.name()}, its secrets under the demo folder. */
    public static PgRotationSettings pgRotationSettings(LocalStackSettings settings, LocalStackSettings.PgDemo pg) {
        return new PgRotationSettings(new Database(pg.url(), pg.user(), ""), pg.name(), PgRotationSettings.DIRECTORY,
                                      settings.demoDir().resolve("pg-secrets"), java.time.Duration.ofMinutes(5),
                                      java.time.Duration.ofSeconds(2));
    }

    /** The pg-credential-rotation demo's services, when it runs. */
    public Optional<PgRotationDemo> pgRotationDemo() {
        return Optional.ofNullable(pgRotationDemo);
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
        workerClient = new TemporalSettings(temporalAddress, "default").client(temporalServer);
        worker = RunWorker.start(workerClient, state, publishing, PUBSUB, callbackUri().toString(), workerCache, keys);
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
        addMigrator(appId, steps, null);
    }

    /** As above; a migrator that joins after announcing also gets its step events published since {@code since}. */
    void addMigrator(String appId, URI steps, java.time.Instant since) {
        broker.addTrigger(new Trigger(appId, Map.of("type", StepEvent.TYPE, StepEvent.MIGRATOR_EXTENSION, appId), steps,
                                      Optional.of(DeliverySpec.defaults().withDeadLetterSink(apiUri().resolve("/dead-letters")))),
                          since);
    }

    /** Waits until every demo migrator has run its first discovery (announced, then submitted); true when they have. */
    public boolean awaitDemos(java.time.Duration patience) throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        for (Migrator migrator : java.util.Arrays.asList(demo, chartDemo, pgRotation == null ? null : pgRotation.migrator())) {
            while (migrator != null && migrator.discoveryRuns() < 1) {
                if (System.nanoTime() > until) {
                    return false;
                }
                Thread.sleep(100);
            }
        }
        return true;
    }

    /**
     * Makes the API answer ready on {@code /observe/health/ready}: {@code ./drover up} calls it once its
     * {@code .drover/local.env} is written and the demos have discovered, as it prints its ready line; the conformance
     * kit once the migrator's routes are set. Until then the API serves requests but is not ready.
     */
    public void markReady() {
        readiness.open();
    }

    /** Where the demo app-chart-migrator listens (its local git host: {@code ./drover merge}), when the demos run. */
    public Optional<URI> chartMigratorUri() {
        return Optional.ofNullable(chartDemo).map(Migrator::uri);
    }

    /** The development OIDC issuer whose tokens the stack's functions accept ({@code ./drover token} asks it). */
    public DevIssuer issuer() {
        return issuer;
    }

    /**
     * The identity of migrator app {@code app}, as a migrator outside the stack gets it: OAuth2 client credentials at
     * the stack's issuer, asking for that app's token.
     */
    public TokenSource migratorTokens(String app) {
        return TokenSource.clientCredentials(issuer.tokenEndpoint(), issuer.clientId(), issuer.clientSecret(), Map.of("migrator", app));
    }

    /**
     * How the console signs people in on this stack: at its development issuer, as client {@code drover-console},
     * back to {@code <api>/console/callback} (registered with the issuer).
     */
    public SignInSettings signInSettings() {
        return signIn;
    }

    /** The platform's signing key of this run of the stack (step events, dry-run requests, callback tokens). */
    public SigningKeys signingKeys() {
        return keys;
    }

    /** Where migrators call back: {@code <it>/event/<runId>} in every step event (the API unless the settings say otherwise). */
    public URI callbackUri() {
        return callbackUrl.orElseGet(this::apiUri);
    }

    public URI apiUri() {
        return URI.create("http://" + connectHost + ":" + api.port());
    }

    /** Every socket the stack listens on (not the external migrators', nor a real Temporal cluster's). */
    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /**
     * The token the Dapr stand-in sends as {@code dapr-api-token} on every call to the functions app
     * ({@code GET /dapr/subscribe}, each event delivery), as daprd sends its {@code APP_API_TOKEN}: what the
     * functions must require on their subscription routes, so that only the sidecar can post events to them.
     * Random per start.
     */
    public String appApiToken() {
        return appApiToken;
    }

    /**
     * The token the Dapr stand-in requires as {@code dapr-api-token} on its gRPC and HTTP APIs (daprd's
     * {@code DAPR_API_TOKEN}); the stack's own {@link #daprClient()} sends it. Random per start unless
     * {@code DAPR_API_TOKEN} was set.
     */
    public String daprApiToken() {
        return daprApiToken;
    }

    /** 256 random bits, base64url: what a platform's injected token looks like. */
    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Where this process reaches a listener bound to {@code bind}: loopback for a wildcard, else that interface. */
    static String connectHost(String bind) {
        if (isWildcard(bind)) {
            return "127.0.0.1";
        }
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    private static boolean isWildcard(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
    }

    public String temporalAddress() {
        return temporalAddress;
    }

    public Broker broker() {
        return broker;
    }

    /**
     * Serves {@code baseUrl} as Dapr app {@code appId} too: the stand-in reads its {@code /dapr/subscribe} and delivers what
     * it subscribes to, with the app token (the conformance kit reads announcements this way, beside the platform).
     */
    public void addDaprApp(String appId, URI baseUrl) {
        dapr.addApp(new DaprApp(appId, baseUrl));
    }

    /** Where a Dapr SDK outside the stack reaches the stand-in's HTTP API (what {@code DAPR_HTTP_ENDPOINT} says). */
    public String daprHttpEndpoint() {
        return "http://" + connectHost + ":" + dapr.httpPort();
    }

    /** Where a Dapr SDK outside the stack reaches the stand-in's gRPC API (what {@code DAPR_GRPC_ENDPOINT} says). */
    public String daprGrpcEndpoint() {
        return connectHost + ":" + dapr.grpcPort();
    }

    public DaprClient daprClient() {
        return daprClient;
    }

    public RedisState state() {
        return state;
    }

    /**
     * Waits until every history entry appended so far is persisted (the outbox is empty): history is written
     * behind the state, a moment later, so whoever reads it right after a change (tests) waits here first.
     *
     * @return false when the outbox was not empty in time
     */
    public boolean awaitHistory(java.time.Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (historyWriter.backlog() > 0) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The writer that empties the history outbox into {@link #history()}. */
    public HistoryOutboxWriter historyWriter() {
        return historyWriter;
    }

    public History history() {
        return history;
    }

    public WorkflowClient workflowClient() {
        return workflowClient;
    }

    /** What listens where, for people. */
    public String describe() {
        List<String> lines = new ArrayList<>(List.of(
                "Drover API           " + apiUri() + "  (spec: " + apiUri() + "/openapi.yaml; every call needs a token)",
                "Console              " + apiUri() + "/console/  (in a browser: a token in the drover_session cookie, README \"Console\")",
                "OIDC issuer          " + issuer.issuer() + "  (development; ./drover token --role viewer|operator|admin)",
                "Temporal             " + temporalAddress,
                "Dapr sidecar API     grpc " + connectHost + ":" + dapr.grpcPort() + ", http http://" + connectHost + ":"
                        + dapr.httpPort() + "  (header dapr-api-token required: "
                        + (daprTokenGiven ? "DAPR_API_TOKEN" : "random, in .drover/local.env") + ")",
                "Broker ingress       " + broker.ingressUri(),
                "History database     " + historyUrl.replaceAll(";.*", "")));
        if (demo == null) {
            lines.add("Demo migrators       off");
        } else {
            lines.add("Demo migrators       " + demo.uri() + "  (" + demo.appId() + ", migration " + demo.migration().id() + ")");
        }
        if (chartDemo != null) {
            lines.add("                     " + chartDemo.uri() + "  (" + chartDemo.appId() + ", migration "
                              + chartDemo.migration().id() + "; ./drover merge <candidate>)");
        }
        if (pgRotation != null) {
            lines.add("                     " + pgRotation.migrator().uri() + "  (" + pgRotation.migrator().appId() + ", migration "
                              + pgRotation.migrator().migration().id() + "; its services' secrets in "
                              + pgSecrets + ")");
        }
        lines.add("Listening on         " + bind + (isWildcard(bind) ? "  (every interface: DROVER_BIND)"
                                                                   : "  only (DROVER_BIND=0.0.0.0 opens every interface)"));
        return String.join(System.lineSeparator(), lines);
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
