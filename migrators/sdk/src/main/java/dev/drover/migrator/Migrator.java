package dev.drover.migrator;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.signing.SignatureVerifier;
import dev.failsafe.Failsafe;
import io.dapr.client.DaprClient;
import io.dapr.client.DaprClientBuilder;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A running migrator: what a migrator author gets from the SDK. On start it serves {@code POST /steps},
 * {@code POST /discover} and {@code POST /dry-run} (plus {@code /observe/health} and metrics), announces
 * its migration until the platform serves it, then discovers and submits candidates; both are retried
 * until they succeed and re-run safely on every restart or discovery trigger.
 * <p>
 * Every platform call carries the migrator's token ({@link TokenSource}); every request to the migrator must
 * prove it comes from the platform (its signature, checked with the keys of {@code GET /platform/keys}), or,
 * for discovery, from the configured trigger issuer.
 *
 * <pre>{@code
 * Migrator.builder("hello-migrator", migration)
 *         .discovery(() -> candidates)
 *         .step("write-file", handler)
 *         .start(MigratorSettings.fromEnvironment(System.getenv()));
 * }</pre>
 */
public final class Migrator implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(Migrator.class.getName());

    private final String appId;
    private final Migration migration;
    private final WebServer server;
    private final String bindHost;
    private final DiscoveryRuns discoveries;
    private final SeenEvents seen;
    private final PendingSteps pending;
    private final StepExecution execution;
    private final ExecutorService work;
    private final List<AutoCloseable> owned;

    private Migrator(Builder builder, MigratorSettings settings, TokenSource tokens) {
        this.appId = builder.appId;
        this.migration = settings.publicUrl().isEmpty() || !builder.migration.migratorUrl().isEmpty()
                ? builder.migration : builder.migration.withMigratorUrl(settings.publicUrl());
        this.owned = new ArrayList<>();
        DaprClient dapr = builder.dapr;
        if (dapr == null) {
            dapr = new DaprClientBuilder().build(); // DAPR_GRPC_ENDPOINT, DAPR_HTTP_ENDPOINT etc. from the environment
            owned.add(dapr);
        }
        this.work = Executors.newVirtualThreadPerTaskExecutor();
        this.seen = settings.redisUrl()
                .map(redis -> SeenEvents.inRedis(redis, "drover-migrator:" + appId + ":seen:", Duration.ofDays(7)))
                .orElseGet(() -> SeenEvents.inMemory(100_000));
        this.pending = settings.redisUrl()
                .map(redis -> PendingSteps.inRedis(redis, "drover-migrator:" + appId + ":pending"))
                .orElseGet(PendingSteps::inMemory);
        PlatformClient platform = new PlatformClient(settings.platformUrl(), settings.callbackUrl(), tokens);
        Announcer announcer = new Announcer(dapr, settings.pubsub(), migration, appId, platform, tokens);
        Discovery discovery = builder.discovery;
        this.discoveries = new DiscoveryRuns(() -> {
            try {
                discoverOnce(announcer, discovery, platform, builder.patience);
            } finally {
                recheckAll(); // the safety net for missed events must not depend on the git host or platform being up
            }
        }, work);
        StepHandlers handlers = new StepHandlers(builder.handlers);
        this.execution = new StepExecution(handlers, platform, pending, builder.patience);
        PlatformProof proof = new PlatformProof(appId, builder.signatures != null ? builder.signatures
                                                                                  : platformKeys(platform.keysUrl(), tokens));
        Map<String, Handler> routes = new LinkedHashMap<>();
        routes.put(StepRoute.PATH, new StepRoute(appId, proof, platform, seen, execution, work));
        routes.put(DiscoverRoute.PATH, new DiscoverRoute(discoveries, proof, settings.trigger().map(TriggerTokens::new)));
        routes.put(DryRunRoute.PATH, new DryRunRoute(proof, handlers, builder.files));
        List<HttpService> services = builder.services.entrySet().stream()
                .map(entry -> (HttpService) rules -> rules.register(entry.getKey(), entry.getValue()))
                .toList();
        this.server = MigratorServer.start(settings.bindHost(), settings.port(), routes, services, settings.metricsToken());
        this.bindHost = settings.bindHost();
        LOGGER.log(Level.INFO, appId + " serves " + migration.id() + " on " + bindHost + ":" + server.port());
    }

    public static Builder builder(String appId, Migration migration) {
        return new Builder(appId, migration);
    }

    /** The platform's public keys, fetched with the migrator's token, again when a signature names a new key. */
    private static SignatureVerifier platformKeys(URI keysUrl, TokenSource tokens) {
        return SignatureVerifier.remote(keysUrl, () -> {
            try {
                return tokens.token();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // PlatformProof answers 503: the sender retries later
            }
        });
    }

    private void discoverOnce(Announcer announcer, Discovery discovery, PlatformClient platform, Duration patience) {
        if (!announcer.announceUntilAcknowledged(patience)) {
            return; // another app owns the migration: its candidates are not ours to submit
        }
        List<DiscoveredCandidate> candidates;
        try {
            candidates = discovery.discover();
        } catch (Exception e) {
            throw new IllegalStateException("discovery of " + migration.id() + " failed: " + e.getMessage(), e);
        }
        try {
            Failsafe.with(Retries.<Void>until(patience, "submitting " + migration.id() + "'s candidates"))
                    .run(() -> platform.submit(migration.id(), candidates));
        } catch (PlatformClient.NotOwner e) {
            LOGGER.log(Level.ERROR, appId + " submits no candidates of " + migration.id() + ": the platform says another "
                    + "migrator app owns it (" + e.getMessage() + "); an admin can transfer it to " + appId);
            return;
        }
        LOGGER.log(Level.INFO, appId + " submitted " + candidates.size() + " candidate(s) of " + migration.id());
    }

    /** Runs discovery (again), as a trigger event would; returns at once. */
    public void discover() {
        discoveries.trigger();
    }

    /**
     * Executes the candidate's pending step again (the one whose last result was {@code pending}), off
     * the caller's thread: for the event that may have ended the wait, e.g. a change request merged.
     * Returns whether there was one.
     */
    public boolean recheck(String migrationId, String candidateId) {
        return pending.find(migrationId, candidateId).map(event -> {
            work.submit(() -> execution.run(event));
            return true;
        }).orElse(false);
    }

    /** Executes every pending step again; every discovery trigger does it too, in case an event was missed. */
    public void recheckAll() {
        for (var event : pending.all()) {
            work.submit(() -> execution.run(event));
        }
    }

    /** How many discovery runs have ended since start. */
    public int discoveryRuns() {
        return discoveries.completed();
    }

    public String appId() {
        return appId;
    }

    public Migration migration() {
        return migration;
    }

    public int port() {
        return server.port();
    }

    /** Where this process reaches the migrator: loopback when it listens on every interface, else its interface. */
    public URI uri() {
        String host = switch (bindHost) {
            case "0.0.0.0", "::", "[::]" -> "127.0.0.1";
            default -> bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
        };
        return URI.create("http://" + host + ":" + server.port());
    }

    /** The interface the HTTP server listens on ({@link MigratorSettings#bindHost()}). */
    public String bindHost() {
        return bindHost;
    }

    /** Where step events are pushed: the subscriber of this migrator's Trigger. */
    public URI stepsUri() {
        return uri().resolve(StepRoute.PATH);
    }

    @Override
    public void close() {
        server.stop();
        work.shutdownNow();
        seen.close();
        pending.close();
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOGGER.log(Level.WARNING, "closing " + resource + " failed: " + e);
            }
        }
    }

    /** Everything a migrator is made of; {@link #start} serves it and begins announcing. */
    public static final class Builder {
        private final String appId;
        private final Migration migration;
        private final Map<String, StepHandler> handlers = new HashMap<>();
        private final Map<String, HttpService> services = new LinkedHashMap<>();
        private Discovery discovery = List::of;
        private FileSources files = FileSources.none();
        private DaprClient dapr;
        private TokenSource tokens;
        private SignatureVerifier signatures;
        private Duration patience = Duration.ofHours(1);

        private Builder(String appId, Migration migration) {
            this.appId = Objects.requireNonNull(appId, "appId");
            this.migration = Objects.requireNonNull(migration, "migration");
        }

        public Builder discovery(Discovery value) {
            this.discovery = Objects.requireNonNull(value);
            return this;
        }

        /** The handler of every step whose {@code type} is {@code type}. */
        public Builder step(String type, StepHandler handler) {
            handlers.put(Objects.requireNonNull(type), Objects.requireNonNull(handler));
            return this;
        }

        /** More routes of the migrator's own under {@code path} (e.g. a webhook that re-checks pending steps). */
        public Builder service(String path, HttpService service) {
            services.put(Objects.requireNonNull(path), Objects.requireNonNull(service));
            return this;
        }

        /** Where dry-runs read a candidate's files; by default no files exist. */
        public Builder files(FileSources value) {
            this.files = Objects.requireNonNull(value);
            return this;
        }

        /** A Dapr client to announce through (the caller keeps closing it); by default one from the environment. */
        public Builder dapr(DaprClient value) {
            this.dapr = value;
            return this;
        }

        /**
         * The migrator's identity, instead of the settings' ({@code DROVER_TOKEN_FILE}, {@code DROVER_TOKEN_URL}...): for
         * the local stack and tests.
         */
        public Builder tokens(TokenSource value) {
            this.tokens = Objects.requireNonNull(value);
            return this;
        }

        /**
         * What checks the platform's signatures, instead of the keys at {@code GET <platform>/platform/keys}: for tests
         * ({@code SignatureVerifier.of(keys)}).
         */
        public Builder signatures(SignatureVerifier value) {
            this.signatures = Objects.requireNonNull(value);
            return this;
        }

        /**
         * How long announcing, submitting and each callback are retried before giving up (default 1 hour); 200 ms or
         * less: tried once, never retried.
         */
        public Builder patience(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("patience must be positive, got " + value);
            }
            this.patience = value;
            return this;
        }

        /** Serves the migrator, then announces and discovers in the background. */
        public Migrator start(MigratorSettings settings) {
            for (var step : migration.steps()) {
                if (step.migratorApp().equals(appId) && !Step.manual(step) && !handlers.containsKey(step.type())) {
                    throw new IllegalStateException("step " + step.name() + " of " + migration.id() + " has type '"
                            + step.type() + "' but no handler is registered for it");
                }
            }
            TokenSource identity = Optional.ofNullable(tokens).or(settings::tokens).orElseThrow(() -> new IllegalStateException(
                    appId + " has no identity to call the platform with: set DROVER_TOKEN_FILE or DROVER_TOKEN_URL, "
                            + "DROVER_CLIENT_ID and DROVER_CLIENT_SECRET (MigratorSettings.fromEnvironment), or give "
                            + "Migrator.Builder.tokens"));
            Migrator migrator = new Migrator(this, settings, identity);
            migrator.discover();
            return migrator;
        }
    }
}
