package dev.drover.history;

/**
 * Log-scale buckets for step durations: each bucket is 5% wider than the one before, so a percentile
 * read from the histogram is within 5% of the exact one, whatever the number of events, from a few
 * hundred rows at most per step.
 */
final class DurationBuckets {
    private static final double GROWTH = Math.log(1.05);

    private DurationBuckets() {
    }

    /** The bucket holding a duration: 0 for under 1 ms, then ceil(log_1.05(ms)). */
    static int bucket(long millis) {
        if (millis < 1) {
            return 0;
        }
        return 1 + (int) Math.floor(Math.log(millis) / GROWTH);
    }

    /** The largest duration a bucket holds, in milliseconds (what a percentile in that bucket reports). */
    static long upperBound(int bucket) {
        if (bucket <= 0) {
            return 0;
        }
        return (long) Math.ceil(Math.exp(bucket * GROWTH)) - 1;
    }
}
