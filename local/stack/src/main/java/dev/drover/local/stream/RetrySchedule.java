package dev.drover.local.stream;

import java.time.Duration;

/**
 * When a message whose delivery failed is tried again, and how many tries it gets. The stream's
 * pending-entries list is the only record of tries: its delivery count is the attempt number and its
 * idle time is how long the message has waited, so a schedule survives a restart without state of its own.
 */
public interface RetrySchedule {
    /** Attempts in all, the first delivery included; at least 1. */
    int maxAttempts();

    /**
     * How long a message waits after a failed attempt before attempt {@code attempt} (2 for the first retry).
     * Must not shrink as {@code attempt} grows: the consumer asks Redis only for messages idle at least
     * {@code delayBefore(2)}.
     */
    Duration delayBefore(int attempt);
}
