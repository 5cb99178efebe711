package dev.drover.functions.runs;

import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.common.LazyValue;

import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Serves the functions that run ({@link RunCatalog}) from their own image, {@code drover-runs}: the one named by
 * {@code FUNCTION} (each Knative Service), those named, or all of them without it. Each opens Redis and a Temporal
 * client that connects once the server is up, in the background, so a function starts and is ready while Temporal is
 * down and answers 503 {@code runs_unavailable} until it is back; its readiness asks Redis. The platform's signing key
 * is read only where {@code candidate-start} is served, and one that does not parse stops that process at start.
 */
public final class RunMain {
    private static final String IMAGE = "drover-runs";
    private static final System.Logger LOGGER = System.getLogger(RunMain.class.getName());

    private RunMain() {
    }

    public static void main(String[] args) {
        FunctionMain.run(RunMain::start);
    }

    /**
     * Starts the run functions {@code env} selects.
     *
     * @throws IllegalArgumentException when a setting is missing or wrong ({@code TEMPORAL_ADDRESS},
     *                                  {@code DROVER_TRUSTED_PROXIES}, {@code DROVER_SIGNING_KEY} where
     *                                  {@code candidate-start} is served), or {@code FUNCTION} names no run function
     */
    static StateFunctionMain.Started start(Map<String, String> env) {
        TrustedProxies proxies = TrustedProxies.fromEnvironment(env);
        LazyValue<CallbackTokens> callbackTokens = LazyValue.create(() -> new CallbackTokens(SigningKeys.fromEnvironment(env)));
        TemporalSettings temporal = TemporalSettings.fromEnvironment(env);
        RunClient runs = new RunClient(temporal.client());
        StateFunctionMain.Started started = StateFunctionMain.start(env, IMAGE, RunCatalog::run, (state, name) -> RunCatalog.build(
                new RunCatalog.Parts(state, runs, proxies, callbackTokens), name), runs.workflowClient().getWorkflowServiceStubs()::shutdown);
        // Once the server is up, so that readiness waits for nothing of Temporal's.
        Thread.ofVirtual().name("temporal-connect").start(() -> connect(runs, temporal.address()));
        return started;
    }

    /**
     * Connects to Temporal ahead of the first request, best effort. A cold run function's first call otherwise loads
     * the Temporal API's descriptors and gRPC's transport and connects: 0.4 to 0.6 s of its first answer (ADR 0017), less
     * with the image's AOT cache, which is trained against a Temporal and so holds what this loads. A Temporal that does
     * not answer changes nothing: the process is ready, its requests answer 503 {@code runs_unavailable} and try again.
     */
    private static void connect(RunClient runs, String address) {
        long began = System.nanoTime();
        try {
            runs.connect();
            LOGGER.log(Level.INFO, "connected to Temporal at %s in %d ms".formatted(address, (System.nanoTime() - began) / 1_000_000));
        } catch (RuntimeException e) {
            // RunsUnavailable, or the client shut down by a process that stops while this waits
            LOGGER.log(Level.WARNING, "Temporal at %s did not answer as this process started (%s); runs answer 503 runs_unavailable "
                    .formatted(address, e.getMessage()) + "until it does");
        }
    }
}
