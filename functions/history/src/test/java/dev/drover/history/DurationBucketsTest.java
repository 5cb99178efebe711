package dev.drover.history;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The buckets the step statistics' p95 is read from: a duration falls in exactly one, and the p95 reported is that
 * bucket's upper bound, so it is never below the duration and less than 5% above it.
 */
class DurationBucketsTest {

    @Test
    void everyDurationLiesInItsBucketAndAboveThePreviousOne() {
        assertEquals(0, DurationBuckets.bucket(0), "under a millisecond");
        assertEquals(0, DurationBuckets.upperBound(0));
        assertEquals(1, DurationBuckets.bucket(1), "one millisecond is a bucket of its own");
        assertEquals(1, DurationBuckets.upperBound(1));
        for (long ms = 1; ms <= 200_000; ms += ms < 2_000 ? 1 : 97) {
            int bucket = DurationBuckets.bucket(ms);
            long upper = DurationBuckets.upperBound(bucket);
            assertTrue(ms <= upper, ms + " ms above its bucket's bound " + upper);
            assertTrue(ms > DurationBuckets.upperBound(bucket - 1), ms + " ms also fits the bucket below");
            assertTrue(upper <= Math.max(ms + 1, Math.ceil(ms * 1.05)), ms + " ms reported as " + upper);
        }
    }
}
