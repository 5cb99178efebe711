package dev.drover.local.conformance;

import dev.drover.core.function.Settings;
import dev.drover.core.state.RedisState;
import dev.drover.local.stack.FreePort;
import dev.drover.local.stack.LocalStack;
import dev.drover.local.stack.LocalStackSettings;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The conformance kit: the platform for one migrator under test. It runs a local stack of its own (no demo migrators,
 * fresh keys, a Redis key prefix of its own, in-memory history), routes the app's step events to itself instead of to
 * the migrator, gives the migrator an environment that points at that stack and at its own callback recorder, brings
 * the migrator up, and runs {@link Checks} over the contract (docs/adr/0016-conformance-kit.md).
 *
 * <pre>{@code
 * Report report = Conformance.run(ConformanceOptions.of("my-migrator",
 *         MigratorLauncher.command(List.of("java", "-jar", "my-migrator.jar"), Path.of("target/my-migrator.log"))));
 * report.assertPassed();   // in a JUnit test: fails with the whole report
 * }</pre>
 */
public final class Conformance {
    private static final String HOST = LocalStackSettings.LOOPBACK;

    private Conformance() {
    }

    public static Report run(ConformanceOptions options) throws Exception {
        String prefix = "drover-conformance-" + UUID.randomUUID() + ":";
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", options.redisUrl(), "DROVER_REDIS_PREFIX", prefix));
        AtomicReference<LocalStack> running = new AtomicReference<>();
        // A kit stopped by a signal leaves no keys behind either.
        Thread dropOnExit = new Thread(() -> dropKeys(options.redisUrl(), prefix));
        Runtime.getRuntime().addShutdownHook(dropOnExit);
        // The kit listens first: its URL is the callback base every step event names.
        try (KitServer kit = KitServer.start(HOST, options.ports().kit(), () -> running.get().apiUri(),
                                             () -> running.get() == null ? null : running.get().appApiToken())) {
            URI kitUri = URI.create("http://" + HOST + ":" + kit.port());
            ConformanceOptions.Ports ports = options.ports();
            LocalStackSettings settings = LocalStackSettings.ephemeral(functions, FreePort.pick()).withoutDemo()
                    .withPorts(ports.api(), ports.daprGrpc(), ports.daprHttp(), ports.issuer())
                    .withCallbackUrl(kitUri);
            LocalStack stack = LocalStack.start(settings);
            running.set(stack);
            try {
                stack.addMigrator(options.app(), kitUri.resolve(KitServer.CAPTURE_PATH));
                stack.addDaprApp(KitServer.DAPR_APP, kitUri);
                stack.markReady(); // for a migrator that waits for the platform's readiness before it announces
                // A free port is picked only now, just before the migrator binds it: picked before the stack started,
                // the stack's own listeners and connections had seconds to be given the same port (seen in CI as
                // "Address already in use").
                URI migratorUrl = options.migrator().orElseGet(() -> URI.create("http://" + HOST + ":" + FreePort.pick()));
                Map<String, String> environment = environment(stack, kitUri, options, migratorUrl);
                try (MigratorLauncher.Running migrator = options.launcher().launch(environment)) {
                    List<Check> checks = new Checks(options, stack, kit, migrator, migratorUrl).run();
                    return new Report(options.app(), migratorUrl, checks, migrator.log().map(Object::toString));
                }
            } finally {
                stack.close();
            }
        } finally {
            dropKeys(options.redisUrl(), prefix);
            try {
                Runtime.getRuntime().removeShutdownHook(dropOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** Deletes every key the kit's platform wrote (its state, the stand-ins' streams): they all start with its prefix. */
    private static void dropKeys(String redisUrl, String prefix) {
        try (RedisState cleaner = RedisState.connect(URI.create(redisUrl), prefix)) {
            cleaner.deleteAllKeys();
        } catch (RuntimeException e) {
            System.getLogger(Conformance.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete the kit's keys under " + prefix + " in Redis: " + e.getMessage());
        }
    }

    /**
     * What the migrator is started with: the platform's API, the kit's callback recorder, the Dapr stand-in, and an identity
     * at the development issuer (as {@code .drover/local.env} gives a migrator beside {@code ./drover up}), then where
     * to listen in the variables the Java SDK and Knative use ({@code PORT}, {@code MIGRATOR_URL}, {@code DROVER_BIND}).
     */
    static Map<String, String> environment(LocalStack stack, URI kitUri, ConformanceOptions options, URI migratorUrl) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DROVER_API_URL", stack.apiUri().toString());
        env.put("DROVER_CALLBACK_URL", kitUri.toString());
        env.put("DAPR_HTTP_ENDPOINT", stack.daprHttpEndpoint());
        env.put("DAPR_GRPC_ENDPOINT", stack.daprGrpcEndpoint());
        env.put("DAPR_HTTP_PORT", Integer.toString(URI.create(stack.daprHttpEndpoint()).getPort()));
        env.put("DAPR_GRPC_PORT", stack.daprGrpcEndpoint().substring(stack.daprGrpcEndpoint().lastIndexOf(':') + 1));
        env.put("DAPR_API_TOKEN", stack.daprApiToken());
        env.put("DROVER_ISSUER", stack.issuer().issuer().toString());
        env.put("DROVER_TOKEN_URL", stack.issuer().tokenEndpoint().toString());
        env.put("DROVER_CLIENT_ID", stack.issuer().clientId());
        env.put("DROVER_CLIENT_SECRET", stack.issuer().clientSecret());
        env.put("DROVER_TOKEN_PARAMS", "migrator=" + options.app());
        env.put("MIGRATOR_URL", migratorUrl.toString());
        env.put("PORT", Integer.toString(Optional.of(migratorUrl.getPort()).filter(p -> p > 0).orElse(80)));
        env.put("DROVER_BIND", HOST);
        env.putAll(options.extraEnvironment());
        return env;
    }
}
