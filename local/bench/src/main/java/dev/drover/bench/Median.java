package dev.drover.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.function.ToDoubleFunction;

/**
 * The median of a harness's measurements. With an even count it is the mean of the two middle ones: the upper middle
 * one, which the harnesses took before (2026-12-04), made two rounds report the better round's throughput and the
 * worse round's latency under the one word "median".
 */
final class Median {
    private Median() {
    }

    static double of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    static <T> double of(Collection<T> measurements, ToDoubleFunction<T> value) {
        return of(measurements.stream().mapToDouble(value).toArray());
    }
}
