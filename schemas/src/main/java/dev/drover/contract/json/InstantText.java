package dev.drover.contract.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Writes an instant as {@link Instant#toString()} does ({@code 2026-12-02T10:09:39.070997512Z}: the fraction in
 * groups of three digits, none when it is zero). {@code Instant.toString} and Jackson's own serializer both go through
 * {@code DateTimeFormatter}, which was a tenth of a candidate page's CPU (two instants a row, and one per log line;
 * issue 16). Years 0000 to 9999 are written directly; any other goes to {@code Instant.toString}, so the text is the
 * same for every instant.
 */
public final class InstantText {
    /** 0000-01-01T00:00:00Z and the last second of 9999. */
    private static final long FIRST = -62_167_219_200L;
    private static final long LAST = 253_402_300_799L;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private InstantText() {
    }

    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST || seconds > LAST) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int nanos = instant.getNano();
        StringBuilder text = new StringBuilder(30);
        digits(text, date.getYear(), 4).append('-');
        digits(text, date.getMonthValue(), 2).append('-');
        digits(text, date.getDayOfMonth(), 2).append('T');
        digits(text, secondOfDay / 3600, 2).append(':');
        digits(text, secondOfDay / 60 % 60, 2).append(':');
        digits(text, secondOfDay % 60, 2);
        if (nanos > 0) {
            text.append('.');
            if (nanos % 1_000_000 == 0) {
                digits(text, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                digits(text, nanos / 1000, 6);
            } else {
                digits(text, nanos, 9);
            }
        }
        return text.append('Z').toString();
    }

    /** {@code value} (not negative) in exactly {@code width} digits, with leading zeros. */
    private static StringBuilder digits(StringBuilder text, int value, int width) {
        for (int place = width - 1; place >= 0; place--) {
            text.append((char) ('0' + value / POWERS_OF_TEN[place] % 10));
        }
        return text;
    }

    /** Jackson's serializer for instants, as text (the mapper writes no dates as timestamps). */
    static final class Serializer extends StdSerializer<Instant> {
        Serializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator json, SerializerProvider provider) throws IOException {
            json.writeString(format(value));
        }
    }
}
