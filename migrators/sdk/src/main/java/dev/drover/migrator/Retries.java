package dev.drover.migrator;

import dev.failsafe.RetryPolicy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** The SDK's retry policies: everything that talks to the platform retries until answered, with backoff. */
final class Retries {
    private Retries() {
    }

    /** Retries failures (not results) from 200 ms up to 30 s apart, for at most {@code patience}. */
    static <T> RetryPolicy<T> until(Duration patience, String what) {
        return RetryPolicy.<T>builder()
                .handle(Exception.class)
                .abortOn(Refused.class)
                .withBackoff(200, 30_000, ChronoUnit.MILLIS)
                .withMaxDuration(patience)
                .withMaxRetries(-1)
                .onRetry(e -> System.getLogger(Retries.class.getName()).log(System.Logger.Level.DEBUG,
                        what + " failed (attempt " + e.getAttemptCount() + "), retrying: " + e.getLastException()))
                .build();
    }

    /** The platform answered and said no for good (a 4xx other than 404): retrying cannot help. */
    static class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }
}
