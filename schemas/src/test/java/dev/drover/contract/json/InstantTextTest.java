package dev.drover.contract.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class InstantTextTest {
    @Test
    void everyInstantIsWrittenAsInstantToStringWritesIt() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            // beyond both ends of the four-digit years too, where the text takes another shape
            Instant instant = Instant.ofEpochSecond(random.nextLong(-70_000_000_000L, 260_000_000_000L),
                                                    switch (i % 5) {
                                                        case 0 -> 0;
                                                        case 1 -> random.nextInt(1, 1000) * 1_000_000;
                                                        case 2 -> random.nextInt(1, 1_000_000) * 1000;
                                                        case 3 -> random.nextInt(1, 10) * (int) Math.pow(10, random.nextInt(9));
                                                        default -> random.nextInt(1_000_000_000);
                                                    });
            assertEquals(instant.toString(), InstantText.format(instant));
        }
    }

    @Test
    void theEdgesOfTheDirectPathAreWrittenAsInstantToStringWritesThem() {
        for (Instant instant : List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(-1, 999_999_999),
                                       Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59.999Z"),
                                       Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                                       Instant.parse("2024-02-29T12:00:00.100Z"), Instant.parse("2026-12-02T10:09:39.070997512Z"),
                                       Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(0, 1000), Instant.ofEpochSecond(0, 1_000_000),
                                       Instant.MIN, Instant.MAX)) {
            assertEquals(instant.toString(), InstantText.format(instant));
        }
    }

    /** Jackson's own serializer writes the same text, only slower: what pins the wiring is which one the mapper picks. */
    @Test
    void theMapperWritesInstantsWithThisSerializer() throws Exception {
        assertInstanceOf(InstantText.Serializer.class, Json.mapper().getSerializerProviderInstance().findValueSerializer(Instant.class));
    }

    @Test
    void theMapperWritesInstantsAsText() {
        Instant instant = Instant.parse("2026-12-02T10:09:39.070Z");
        assertEquals("{\"at\":\"2026-12-02T10:09:39.070Z\"}", Json.string(Map.of("at", instant)));
        assertEquals(instant, Json.read(Json.bytes(Map.of("at", instant)), InstantHolder.class).at());
    }

    record InstantHolder(Instant at) {
    }
}
