package dev.drover.local.broker;

import dev.drover.local.stream.RetrySchedule;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * Knative's {@code delivery} spec, on a Broker (the default for its triggers) or on one Trigger.
 * A delivery answered 2xx is done; 404, 408, 409, 429, 5xx, a timeout or a connection failure is retried
 * (the statuses Knative retries); any other answer is final and goes to the dead letter at once.
 *
 * @param retry          retries after the first attempt
 * @param backoffPolicy  how the wait between retries grows
 * @param backoffDelay   the base wait (Knative writes it as an ISO-8601 duration, e.g. {@code PT0.2S})
 * @param deadLetterSink where an event given up on is POSTed; without one, or when it refuses, the
 *                       event stays in the broker's dead-letter stream
 * @param timeout        how long one attempt may take
 */
public record DeliverySpec(int retry, BackoffPolicy backoffPolicy, Duration backoffDelay, Optional<URI> deadLetterSink,
                           Duration timeout) implements RetrySchedule {
    /** Retry numbers above this wait as long as this one (keeps 2^n finite). */
    private static final int MAX_EXPONENT = 20;

    public DeliverySpec {
        Objects.requireNonNull(backoffPolicy, "backoffPolicy");
        Objects.requireNonNull(backoffDelay, "backoffDelay");
        Objects.requireNonNull(deadLetterSink, "deadLetterSink");
        Objects.requireNonNull(timeout, "timeout");
        if (retry < 0) {
            throw new IllegalArgumentException("retry must not be negative");
        }
        if (backoffDelay.isNegative()) {
            throw new IllegalArgumentException("backoffDelay must not be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** Five retries, exponential from 0.5 s (1 s, 2 s, ... 16 s), no sink, 30 s per attempt. */
    public static DeliverySpec defaults() {
        return new DeliverySpec(5, BackoffPolicy.EXPONENTIAL, Duration.ofMillis(500), Optional.empty(), Duration.ofSeconds(30));
    }

    /** Knative's spelling: {@code of(3, "exponential", "PT0.2S")}. */
    public static DeliverySpec of(int retry, String backoffPolicy, String backoffDelay) {
        Duration delay;
        try {
            delay = Duration.parse(backoffDelay);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("backoffDelay must be an ISO-8601 duration such as PT0.2S, not '"
                                                       + backoffDelay + "'", e);
        }
        return new DeliverySpec(retry, BackoffPolicy.parse(backoffPolicy), delay, Optional.empty(), defaults().timeout());
    }

    public DeliverySpec withDeadLetterSink(URI sink) {
        return new DeliverySpec(retry, backoffPolicy, backoffDelay, Optional.of(sink), timeout);
    }

    public DeliverySpec withTimeout(Duration newTimeout) {
        return new DeliverySpec(retry, backoffPolicy, backoffDelay, deadLetterSink, newTimeout);
    }

    @Override
    public int maxAttempts() {
        return retry + 1;
    }

    /** Attempt n is retry n - 1. */
    @Override
    public Duration delayBefore(int attempt) {
        int retryNumber = Math.max(1, attempt - 1);
        try {
            return switch (backoffPolicy) {
                case EXPONENTIAL -> backoffDelay.multipliedBy(1L << Math.min(retryNumber, MAX_EXPONENT));
                case LINEAR -> backoffDelay.multipliedBy(retryNumber);
            };
        } catch (ArithmeticException e) {
            return Duration.ofDays(1);
        }
    }
}
