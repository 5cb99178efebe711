package dev.drover.local.stack;

import dev.drover.core.logging.TextLogFormatter;
import io.helidon.logging.common.LogConfig;

import java.time.Duration;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.CountDownLatch;

/** {@code ./drover up}: runs the local stack until the process is stopped (Ctrl-C). */
public final class LocalStackMain {
    /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger QUIET = Logger.getLogger("io.helidon.webserver.LoomServer");

    private LocalStackMain() {
    }

    /** {@code DROVER_LOG_FORMAT=text}: short lines for a terminal ({@code ./drover up} sets it when its output is one). */
    static boolean textLogs(java.util.Map<String, String> env) {
        return env.getOrDefault("DROVER_LOG_FORMAT", "json").equalsIgnoreCase("text");
    }

    public static void main(String[] args) throws InterruptedException {
        LogConfig.configureRuntime();
        if (textLogs(System.getenv())) {
            // A person reads this terminal: short lines, not the JSON a log collector wants.
            for (Handler handler : Logger.getLogger("").getHandlers()) {
                handler.setFormatter(new TextLogFormatter());
            }
            QUIET.setLevel(Level.WARNING); // a "started all channels" line per server says nothing the banner does not
        }
        LocalStackSettings settings;
        try {
            settings = LocalStackSettings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("drover: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<String> taken = TakenPorts.check(settings);
        if (!taken.isEmpty()) {
            taken.forEach(line -> System.err.println("drover: " + line));
            System.exit(3);
            return;
        }
        LocalStack stack;
        try {
            stack = LocalStack.start(settings);
        } catch (RuntimeException e) {
            // A part that cannot start (a port taken since the check, Redis gone): one line, and no half-started stack.
            System.err.println("drover: the stack did not start: " + e.getMessage()
                                       + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            System.exit(3);
            return;
        }
        LocalCredentials.write(stack);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LocalCredentials.delete();
            stack.close();
            stopped.countDown();
        }));
        // The banner and the API's readiness come last, once local.env is written and the demo migrators have announced
        // and discovered: ready means usable.
        if (!stack.awaitDemos(Duration.ofMinutes(2))) {
            System.err.println("drover: the demo migrators have not discovered their candidates after 2 minutes; see the log");
        }
        stack.markReady();
        System.out.println(stack.describe());
        System.out.println("Drover local stack is ready: " + stack.apiUri() + " (Ctrl-C stops it); "
                                   + "every call needs a token: TOKEN=$(./drover token --role operator | tail -n 1)");
        stopped.await();
    }
}
