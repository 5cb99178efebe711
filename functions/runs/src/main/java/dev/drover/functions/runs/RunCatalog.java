package dev.drover.functions.runs;

import dev.drover.core.function.Function;
import dev.drover.core.function.ImageFunctions;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.core.history.RedisOutbox;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.state.RedisState;
import dev.drover.functions.history.Actors;
import dev.drover.functions.rollouts.BulkAction;
import dev.drover.functions.rollouts.CreateRollout;
import dev.drover.functions.rollouts.RolloutAction;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunStarter;
import dev.drover.workflows.StepDeadlines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The functions that run: those that drive candidates' runs and rollouts through Temporal, with the state store, and
 * use nothing else of the platform (no history database, no step events' signatures; what they record goes to the Redis
 * outbox). As {@code ReadCatalog} does for the reads, they are built here, in a module whose class path is the state
 * store, Temporal's client and Helidon, so that their image, {@code drover-runs}, opens no history, console or
 * cryptography jars at start (issue 16, ADR 0017). The image of every function serves them too ({@code Catalog} builds
 * them from here).
 */
public final class RunCatalog {
    private RunCatalog() {
    }

    /**
     * What a run function is built from: the state store, the run client, the proxies whose {@code X-Forwarded-For} the
     * audit log believes, and the callback tokens (asked for by {@code candidate-start} alone, which derives each run's
     * from the platform's signing key).
     */
    public record Parts(RedisState state, RunClient runs, TrustedProxies proxies, Supplier<CallbackTokens> callbackTokens) {
        Actors actors() {
            return new Actors(proxies);
        }

        HistoryRecorder recorder() {
            return RedisOutbox.recorder(state.redis(), state.keys());
        }
    }

    /** The one run function that holds the platform's signing key (its Knative Service mounts it). */
    public static final String SIGNER = "candidate-start";

    private static final ImageFunctions<Parts> RUNS = new ImageFunctions<>("run", runs());

    private static Map<String, java.util.function.Function<Parts, Function>> runs() {
        Map<String, java.util.function.Function<Parts, Function>> runs = new LinkedHashMap<>();
        runs.put(SIGNER, p -> new StartCandidate(p.state(), new RunStarter(p.state(), p.runs(), p.recorder(), p.callbackTokens().get(),
                                                                         StepDeadlines.fromEnvironment(System.getenv())), p.actors()));
        runs.put("candidate-cancel", p -> new CancelCandidate(p.state(), p.runs(), p.recorder(), p.actors()));
        runs.put("candidate-retry-step", p -> new RetryStep(p.state(), p.runs(), p.recorder(), p.actors()));
        runs.put("candidate-step-complete", p -> new CompleteStep(p.state(), p.runs(), p.recorder(), p.actors()));
        runs.put("step-callback", p -> new StepCallbackFunction(p.state(), p.runs()));
        runs.put("rollout-create", p -> new CreateRollout(p.state(), p.runs(), p.recorder(), p.actors()));
        for (String action : List.of("pause", "resume", "promote", "abort")) {
            runs.put("rollout-" + action, p -> new RolloutAction(action, p.state(), p.runs(), p.recorder(), p.actors()));
        }
        for (String action : List.of("retry", "cancel")) {
            runs.put("bulk-" + action, p -> new BulkAction(action, p.state(), p.runs(), p.recorder(), p.actors()));
        }
        return runs;
    }

    /** Every run function's name, in the order they are served. */
    public static List<String> names() {
        return RUNS.names();
    }

    /** How the run function {@code name} is built. */
    public static java.util.function.Function<Parts, Function> run(String name) {
        return RUNS.make(name);
    }

    /** The run functions one process serves: the one named, or all when none is named. */
    public static List<Function> build(Parts parts, Optional<String> name) {
        return RUNS.build(parts, name);
    }
}
