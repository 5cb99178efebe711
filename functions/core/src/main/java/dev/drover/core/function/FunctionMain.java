package dev.drover.core.function;

import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every function process's {@code main} does around starting its functions: logging first, a shutdown hook
 * before the server answers, one line and exit code 2 for a wrong setting, one line once it listens. Shared by the
 * image of every function ({@code drover-functions}), those of the read, write, history and run functions
 * ({@code drover-reads}, {@code drover-writes}, {@code drover-history-reads}, {@code drover-runs}, through
 * {@link StateFunctionMain}) and the console's ({@code drover-console}).
 */
public final class FunctionMain {
    private FunctionMain() {
    }

    /** A process serving functions, as its {@code start} returned it. */
    public interface Serving extends AutoCloseable {
        WebServer server();

        List<Function> functions();

        @Override
        void close();
    }

    /**
     * Refuses {@code DROVER_METRICS=on} in an image without Helidon's metrics implementation (those of functions that
     * scale to zero, whose class path leaves it out for their start).
     */
    public static void refuseMetrics(Settings settings, String image) {
        if (settings.metrics().orElse(false)) {
            throw new IllegalArgumentException("DROVER_METRICS=on: the image " + image + " has no metrics (its functions scale to "
                    + "zero, and Knative's queue-proxy counts and times their requests); run the function from drover-functions for Helidon's");
        }
    }

    /**
     * Starts what {@code start} builds from the environment and keeps it serving until the JVM stops.
     *
     * @param start builds and starts the functions; throws {@link IllegalArgumentException} naming a wrong setting
     */
    public static void run(java.util.function.Function<Map<String, String>, ? extends Serving> start) {
        LogConfig.configureRuntime();
        // The hook is in place before the server answers: Kubernetes may stop a pod the moment it is ready, and a hook
        // added after that threw "Shutdown in progress" and left the server and its connections unclosed.
        AtomicReference<Serving> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Serving serving = running.get();
            if (serving != null) {
                serving.close();
            }
        }));
        Serving serving;
        try {
            serving = start.apply(System.getenv());
        } catch (IllegalArgumentException e) {
            // A misconfigured process says what is wrong in one line and stops, rather than serving half.
            System.err.println("drover: " + e.getMessage());
            System.exit(2);
            return;
        }
        running.set(serving);
        int count = serving.functions().size();
        System.out.println("Drover API listening on http://localhost:" + serving.server().port()
                                   + " (" + count + " function" + (count == 1 ? "" : "s") + ")");
    }
}
