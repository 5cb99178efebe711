package dev.drover.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MedianTest {
    @Test
    void twoRoundsReportTheirMeanNotTheBetterOne() {
        // ReadBench rounds=2 on 2026-12-04: GET /migrations/{id} under C2 at 13,099 and 16,093 req/s
        assertEquals(14_596.0, Median.of(13_099, 16_093));
        assertEquals(14_596.0, Median.of(16_093, 13_099));
    }

    @Test
    void anOddCountReportsItsMiddleMeasurement() {
        assertEquals(5.0, Median.of(9, 1, 5));
        assertEquals(7.0, Median.of(7));
    }

    @Test
    void anEvenCountAveragesItsTwoMiddleMeasurementsWhateverTheOrder() {
        assertEquals(4.5, Median.of(List.of("8", "1", "4", "5"), Double::parseDouble));
    }

    @Test
    void noMeasurementIsRefusedRatherThanReportedAsZero() {
        assertThrows(IllegalArgumentException.class, Median::of);
    }
}
