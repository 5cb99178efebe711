package dev.drover.local.dapr;

import dev.drover.local.stream.RetrySchedule;

import java.time.Duration;

/**
 * Dapr's pub/sub redelivery as its Redis Streams component does it: a message not acknowledged is
 * delivered again after a fixed interval ({@code redeliverInterval}), up to a number of deliveries.
 */
record Redelivery(Duration interval, int maxAttempts) implements RetrySchedule {
    @Override
    public Duration delayBefore(int attempt) {
        return interval;
    }
}
