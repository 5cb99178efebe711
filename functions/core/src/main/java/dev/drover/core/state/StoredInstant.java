package dev.drover.core.state;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads the instants the stores keep, which they write as {@link Instant#toString()} does
 * ({@code 2026-12-02T10:09:39.070997512Z}). {@link Instant#parse} reads any ISO-8601 instant through the general
 * {@code DateTimeFormatter} machinery, and was a tenth of a page read's CPU (two per row; issue 16): the shape the
 * stores write is read directly, anything else still by {@link Instant#parse}, so the result is the same for every input.
 */
final class StoredInstant {
    private static final int[] NANOS_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private StoredInstant() {
    }

    static Instant parse(String text) {
        int length = text.length();
        if (length < 20 || length == 21 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z'
                || (length > 20 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = length > 20 ? digits(text, 20, length - 1) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0) {
            return Instant.parse(text);
        }
        try {
            LocalDateTime time = LocalDateTime.of(year, month, day, hour, minute, second);
            // length - 21 is the number of fraction digits (none: length 20)
            long nanos = length > 20 ? (long) fraction * NANOS_SCALE[length - 21] : 0;
            return Instant.ofEpochSecond(time.toEpochSecond(ZoneOffset.UTC), nanos);
        } catch (DateTimeException e) {
            // out of range (a leap second, 24:00): the general parser decides what that means
            return Instant.parse(text);
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
