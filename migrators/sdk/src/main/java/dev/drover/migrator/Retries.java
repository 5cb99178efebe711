package dev.drover.migrator;

import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;

import java.time.Duration;

/** The SDK's retry policies: everything that talks to the platform retries until answered, with backoff. */
final class Retries {
    private Retries() {
    }

    /** The first pause between two attempts; later ones grow to {@link #MAX_DELAY}. */
    static final Duration FIRST_DELAY = Duration.ofMillis(200);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);

    /**
     * Retries failures (not results) from 200 ms up to 30 s apart, for at most {@code patience}. A patience no longer
     * than the first pause means one attempt and no retry (Failsafe refuses a maximum duration within the first delay).
     */
    static <T> RetryPolicy<T> until(Duration patience, String what) {
        RetryPolicyBuilder<T> policy = RetryPolicy.<T>builder()
                .handle(Exception.class)
                .abortOn(Refused.class)
                .onRetry(e -> System.getLogger(Retries.class.getName()).log(System.Logger.Level.DEBUG,
                        what + " failed (attempt " + e.getAttemptCount() + "), retrying: " + e.getLastException()));
        if (patience.compareTo(FIRST_DELAY) <= 0) {
            return policy.withMaxRetries(0).build();
        }
        return policy.withBackoff(FIRST_DELAY, MAX_DELAY).withMaxDuration(patience).withMaxRetries(-1).build();
    }

    /** The platform answered and said no for good (a 4xx other than 404): retrying cannot help. */
    static class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }
}
