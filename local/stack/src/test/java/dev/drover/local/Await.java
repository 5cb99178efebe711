package dev.drover.local;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded waiting: poll a condition until it holds or a deadline passes. */
public final class Await {
    /** Generous for a loaded CI machine; a passing test waits only as long as it must. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT, condition);
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            pause(Duration.ofMillis(10));
        }
    }

    /**
     * Lets {@code time} pass: for checking that something does NOT happen within a window (a
     * redelivery that must not come), after the positive outcome has already been awaited.
     */
    public static void quietFor(Duration time) {
        pause(time);
    }

    private static void pause(Duration time) {
        try {
            Thread.sleep(time);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
    }
}
