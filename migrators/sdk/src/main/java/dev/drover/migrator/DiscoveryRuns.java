package dev.drover.migrator;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs discovery when triggered, one run at a time. Triggers that arrive while a run is going coalesce
 * into a single run after it: a push during a scan may have changed what the scan already read, so it
 * must not be dropped, but a burst of ticks must not start a burst of scans.
 */
final class DiscoveryRuns {
    private static final System.Logger LOGGER = System.getLogger(DiscoveryRuns.class.getName());

    private final Runnable discovery;
    private final ExecutorService executor;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger completed = new AtomicInteger();

    DiscoveryRuns(Runnable discovery, ExecutorService executor) {
        this.discovery = discovery;
        this.executor = executor;
    }

    void trigger() {
        requested.set(true);
        drain();
    }

    /** How many discovery runs have ended (with or without success). */
    int completed() {
        return completed.get();
    }

    private void drain() {
        if (running.compareAndSet(false, true)) {
            executor.submit(this::loop);
        }
    }

    private void loop() {
        try {
            while (requested.getAndSet(false)) {
                try {
                    discovery.run();
                } catch (RuntimeException e) {
                    LOGGER.log(System.Logger.Level.ERROR, "discovery failed; the next trigger runs it again", e);
                } finally {
                    completed.incrementAndGet();
                }
            }
        } finally {
            running.set(false);
        }
        // A trigger that came between the last check and releasing the flag would otherwise wait for the next one.
        if (requested.get()) {
            drain();
        }
    }
}
