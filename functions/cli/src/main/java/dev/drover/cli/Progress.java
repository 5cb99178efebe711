package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;

/**
 * What {@code watch} prints. On a terminal: one line, redrawn in place, with a progress bar and the counts by
 * status; events (a candidate changed, a rollout moved) are printed above it. Elsewhere: one plain line per
 * change, for a log.
 */
final class Progress {
    private static final String CLEAR_LINE = "\r\u001b[2K";
    private final String migration;
    private final Terminal terminal;
    private final Style style;
    private final PrintWriter out;
    private String bar = "";
    private String lastPlain = "";

    Progress(String migration, Terminal terminal, Style style, PrintWriter out) {
        this.migration = migration;
        this.terminal = terminal;
        this.style = style;
        this.out = out;
    }

    void counts(JsonNode counts) {
        if (terminal.tty()) {
            bar = bar(counts);
            out.print(CLEAR_LINE + bar);
        } else {
            String line = plain(counts);
            if (!line.equals(lastPlain)) {
                out.println(line);
                lastPlain = line;
            }
        }
        out.flush();
    }

    /** A line above the bar (or a plain line). */
    void event(String line) {
        if (terminal.tty()) {
            out.print(CLEAR_LINE + Table.cut(line, terminal.width() - 1) + "\n" + bar);
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Leaves the terminal's cursor on a fresh line. */
    void end() {
        if (terminal.tty() && !bar.isEmpty()) {
            out.println();
            out.flush();
        }
    }

    static long by(JsonNode counts, String status) {
        return counts.path("byStatus").path(status).asLong(0);
    }

    String plain(JsonNode counts) {
        long total = counts.path("total").asLong(0);
        return migration + ": " + by(counts, "completed") + "/" + total + " completed, " + by(counts, "running") + " running, "
               + by(counts, "failed") + " failed, " + by(counts, "not_started") + " not started";
    }

    String bar(JsonNode counts) {
        long total = counts.path("total").asLong(0);
        long completed = by(counts, "completed");
        long failed = by(counts, "failed");
        int percent = total == 0 ? 0 : (int) (completed * 100 / total);
        String text = String.format(" %3d%% %d/%d completed · %s · %s · %d not started", percent, completed, total,
                                    style.paint(Style.YELLOW, by(counts, "running") + " running"),
                                    failed == 0 ? "0 failed" : style.paint(Style.RED, failed + " failed"), by(counts, "not_started"));
        int visible = migration.length() + 1 + text.replaceAll("\u001b\\[[0-9;]*m", "").length();
        int cells = Math.max(0, Math.min(30, terminal.width() - 1 - visible - 2));
        if (cells < 5) {
            return Table.cut(migration + text.replaceAll("\u001b\\[[0-9;]*m", ""), terminal.width() - 1);
        }
        int done = total == 0 ? 0 : (int) (completed * cells / total);
        int bad = total == 0 ? 0 : (int) Math.min(cells - done, (failed * cells + total - 1) / total);
        return migration + " [" + style.paint(Style.GREEN, "█".repeat(done)) + style.paint(Style.RED, "█".repeat(bad))
               + "░".repeat(cells - done - bad) + "]" + text;
    }
}
