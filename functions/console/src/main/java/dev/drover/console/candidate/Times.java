package dev.drover.console.candidate;

import dev.drover.console.web.Html;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Instants as people read them (UTC, to the second), inside {@code <time>} so a machine still gets the exact value. */
public final class Times {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** A {@code <time>} element, or an em dash when there is no time (a step not started yet). */
    public static Html time(String iso, String testId) {
        Html html = new Html();
        if (iso == null || iso.isBlank()) {
            return html.element("span", "\u2014", "class", "muted", "data-testid", testId);
        }
        return html.element("time", shown(iso), "datetime", iso, "data-testid", testId);
    }

    /** The instant as the page shows it, or the text itself when it is none. */
    public static String shown(String iso) {
        try {
            return SHOWN.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso; // not an instant: shown as the API wrote it (escaped like any text)
        }
    }
}
