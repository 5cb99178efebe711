package dev.drover.workflows.outbox;

import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A history writer in a process of its own, for {@link WriterKillTest}: it drains the outbox and, at the
 * {@code nth} time it reaches {@code point}, says so on stdout and waits there to be SIGKILLed.
 * Arguments: redis URL, key prefix, JDBC URL, consumer, point, nth.
 */
public final class WriterProcess {
    private WriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        // The test holds our stdin open; when its JVM dies without killing us (PIT ends a minion that timed out), the
        // pipe closes and we go too, instead of waiting forever with a database connection.
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent: only the end matters
                }
            } catch (java.io.IOException e) {
                // the pipe is gone: the same as its end
            }
            Runtime.getRuntime().halt(3);
        });
        RedisState state = RedisState.connect(URI.create(args[0]), args[1]);
        History history = History.open(new HistorySettings(args[2], Optional.of("postgres"), Optional.empty(), 2));
        String point = args[4];
        int nth = Integer.parseInt(args[5]);
        AtomicInteger seen = new AtomicInteger();
        new HistoryOutboxWriter(state.redis(), state.keys(), history, args[3], Duration.ofHours(1), where -> {
            if (where.equals(point) && seen.incrementAndGet() == nth) {
                System.out.println("AT " + point);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).drainAll();
        System.out.println("DRAINED");
    }
}
