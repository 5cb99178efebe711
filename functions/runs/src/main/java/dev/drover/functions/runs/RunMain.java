package dev.drover.functions.runs;

import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.common.LazyValue;

import java.util.Map;

/**
 * Serves the functions that run ({@link RunCatalog}) from their own image, {@code drover-runs}: the one named by
 * {@code FUNCTION} (each Knative Service), those named, or all of them without it. Each opens Redis and a Temporal
 * client that connects on the first call, so a function starts and is ready while Temporal is down and answers 503
 * {@code runs_unavailable} until it is back; its readiness asks Redis. The platform's signing key is read only where
 * {@code candidate-start} is served, and one that does not parse stops that process at start.
 */
public final class RunMain {
    private static final String IMAGE = "drover-runs";

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
        RunClient runs = new RunClient(TemporalSettings.fromEnvironment(env).client());
        return StateFunctionMain.start(env, IMAGE, RunCatalog::run, (state, name) -> RunCatalog.build(
                new RunCatalog.Parts(state, runs, proxies, callbackTokens), name), runs.workflowClient().getWorkflowServiceStubs()::shutdown);
    }
}
