package dev.drover.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latency samples in nanoseconds. A few hundred or thousand samples per measurement, so an exact
 * sorted array is simpler than a histogram and needs no extra dependency.
 */
final class Latencies {
    private long[] nanos = new long[256];
    private int count;

    void add(long sample) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = sample;
    }

    int count() {
        return count;
    }

    long totalNanos() {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += nanos[i];
        }
        return total;
    }

    /** "n p50 p99 max" in milliseconds, as one report row. */
    String summary() {
        return String.format(Locale.ROOT, "%6d %s", count, percentiles());
    }

    /** "p50 p99 max" in milliseconds. */
    String percentiles() {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%9.2f %9.2f %9.2f",
                             ms(percentile(sorted, 0.50)), ms(percentile(sorted, 0.99)), ms(sorted[count - 1]));
    }

    /** The median, in nanoseconds. */
    long p50() {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return percentile(sorted, 0.50);
    }

    /** The {@code q} quantile (nearest rank), in nanoseconds; 0 with no samples. */
    long quantile(double q) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return percentile(sorted, q);
    }

    /** Nearest rank: the smallest sample with at least q of all samples at or below it. */
    private static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
