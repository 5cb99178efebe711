package dev.drover.local.broker;

import java.util.Locale;

/** Knative's {@code delivery.backoffPolicy}: how the wait between retries grows. */
public enum BackoffPolicy {
    /** Retry n waits {@code backoffDelay * 2^n}. */
    EXPONENTIAL,
    /** Retry n waits {@code backoffDelay * n}. */
    LINEAR;

    /** Reads Knative's spelling ({@code exponential}, {@code linear}). */
    public static BackoffPolicy parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "exponential" -> EXPONENTIAL;
            case "linear" -> LINEAR;
            default -> throw new IllegalArgumentException("backoffPolicy must be exponential or linear, not '" + value + "'");
        };
    }
}
