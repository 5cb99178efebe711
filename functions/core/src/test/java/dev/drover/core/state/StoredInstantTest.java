package dev.drover.core.state;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The stores' instants read back exactly as {@link Instant#parse} reads them, whatever the text. */
class StoredInstantTest {
    @Test
    void everyInstantTheStoresWriteReadsBackAsItself() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            Instant written = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L),
                                                    switch (i % 4) {
                                                        case 0 -> 0;
                                                        case 1 -> random.nextInt(1000) * 1_000_000;
                                                        case 2 -> random.nextInt(1_000_000) * 1000;
                                                        default -> random.nextInt(1_000_000_000);
                                                    });
            assertEquals(written, StoredInstant.parse(written.toString()), written.toString());
        }
    }

    @Test
    void otherShapesAreReadAsInstantParseReadsThem() {
        for (String text : List.of("2026-12-02T10:09:39.5Z", "2026-12-02T10:09:39.0705Z", "2026-12-02T10:09:39.070997512Z",
                                   "2026-12-31T23:59:60Z", "+12026-01-01T00:00:00Z", "2026-12-02T10:09:39+01:00",
                                   "2026-12-02t10:09:39Z", "2026-12-02T10:09:39.Z")) {
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException refused) {
                assertThrows(DateTimeParseException.class, () -> StoredInstant.parse(text), text);
                continue;
            }
            assertEquals(expected, StoredInstant.parse(text), text);
        }
    }

    @Test
    void malformedTextIsRefusedAsInstantParseRefusesIt() {
        for (String text : List.of("", "2026-13-02T10:09:39Z", "2026-02-30T10:09:39Z", "2026-12-02T25:09:39Z", "2026-12-02T10:09:3xZ",
                                   "2026-12-02T10:09:39.1234567890Z", "2026-12-02 10:09:39Z", "-026-12-02T10:09:39Z")) {
            assertThrows(DateTimeParseException.class, () -> StoredInstant.parse(text), text);
        }
    }
}
