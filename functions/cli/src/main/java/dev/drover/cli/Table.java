package dev.drover.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain text table that fits a width: columns take what their widest cell needs; when the sum is too wide, the
 * widest column gives up a character at a time (down to its header's width, at least 4) and cut cells end in "…".
 * Cells may carry ANSI colours ({@link Style}): widths count what shows, and a cut cell loses its colour.
 */
final class Table {
    private static final String GAP = "  ";
    private static final int NARROWEST = 4;
    private static final java.util.regex.Pattern ESCAPE = java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m");
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers;
    }

    Table row(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.length + " columns");
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c.replaceAll("[\\r\\n\\t]+", " ")).toArray(String[]::new));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out, int width) {
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = length(headers[c]);
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], length(row[c]));
            }
        }
        fit(widths, width);
        line(out, headers, widths);
        for (String[] row : rows) {
            line(out, row, widths);
        }
        out.flush();
    }

    private void fit(int[] widths, int width) {
        int total = Arrays.stream(widths).sum() + GAP.length() * (widths.length - 1);
        while (total > width) {
            int widest = -1;
            for (int c = 0; c < widths.length; c++) {
                if (widths[c] > Math.max(NARROWEST, length(headers[c])) && (widest < 0 || widths[c] > widths[widest])) {
                    widest = c;
                }
            }
            if (widest < 0) {
                return;
            }
            widths[widest]--;
            total--;
        }
    }

    private static void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String cell = cut(cells[c], widths[c]);
            line.append(cell);
            if (c < cells.length - 1) {
                line.append(" ".repeat(widths[c] - length(cell))).append(GAP);
            }
        }
        out.println(line.toString().stripTrailing());
    }

    static String cut(String text, int width) {
        if (length(text) <= width) {
            return text;
        }
        text = ESCAPE.matcher(text).replaceAll("");
        int end = text.offsetByCodePoints(0, Math.max(0, width - 1));
        return text.substring(0, end) + "…";
    }

    /** The columns the text takes on a terminal: its characters, without colour codes. */
    static int length(String text) {
        String shown = ESCAPE.matcher(text).replaceAll("");
        return shown.codePointCount(0, shown.length());
    }
}
