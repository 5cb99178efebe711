package dev.drover.console.pages;

import dev.drover.console.web.Html;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Instants as a person reads them: a {@code <time>} in UTC with the exact value in its datetime attribute. */
final class Times {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    static void render(Html h, String instant) {
        if (instant == null || instant.isEmpty()) {
            h.text("—");
            return;
        }
        try {
            Instant at = Instant.parse(instant);
            h.element("time", SHOWN.format(at), "datetime", at.toString());
        } catch (DateTimeParseException e) {
            h.text(instant);
        }
    }
}
