package dev.drover.local.stack;

import io.helidon.logging.common.LogConfig;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code ./drover up}: runs the local stack until the process is stopped (Ctrl-C). */
public final class LocalStackMain {
    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LogConfig.configureRuntime();
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
        System.out.println(stack.describe());
        System.out.println("Drover local stack is ready: " + stack.apiUri() + " (Ctrl-C stops it); "
                                   + "every call needs a token: TOKEN=$(./drover token --role operator | tail -n 1)");
        stopped.await();
    }
}
