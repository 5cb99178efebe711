package dev.drover.console.dryrun;

import java.util.Locale;

/** How the dry-run viewer lays a file's changes out: one column of -/+ lines, or before and after side by side. */
public enum DiffLayout {
    UNIFIED, SPLIT;

    /** The query parameter's value ({@code layout=unified|split}). */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Anything but {@code split} reads as unified: a layout is a preference, never a reason to refuse a page. */
    public static DiffLayout fromQuery(String value) {
        return "split".equals(value) ? SPLIT : UNIFIED;
    }
}
