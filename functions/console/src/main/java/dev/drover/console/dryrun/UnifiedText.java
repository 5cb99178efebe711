package dev.drover.console.dryrun;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows from a unified diff's text: what the viewer shows when a file is too long to diff here, or a
 * migrator sent only its {@code diff}. Always one column (the text holds no pairing of lines).
 * File headers ({@code ---}, {@code +++}) are dropped: the viewer names the file itself.
 */
final class UnifiedText {
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

    private UnifiedText() {
    }

    static List<DiffRow> rows(String diff) {
        List<DiffRow> rows = new ArrayList<>();
        int before = 0;
        int after = 0;
        boolean inHunk = false;
        for (String line : FileDiff.lines(diff)) {
            Matcher hunk = HUNK.matcher(line);
            if (hunk.matches()) {
                before = Integer.parseInt(hunk.group(1));
                after = Integer.parseInt(hunk.group(2));
                inHunk = true;
                if (!rows.isEmpty()) {
                    rows.add(DiffRow.gap(0));
                }
            } else if (!inHunk || line.startsWith("\\")) {
                continue; // headers before the first hunk; "\ No newline at end of file"
            } else if (line.startsWith("-")) {
                rows.add(new DiffRow(DiffRow.Kind.DELETED, new DiffRow.Side(before++, line.substring(1)), DiffRow.Side.NONE, 0));
            } else if (line.startsWith("+")) {
                rows.add(new DiffRow(DiffRow.Kind.ADDED, DiffRow.Side.NONE, new DiffRow.Side(after++, line.substring(1)), 0));
            } else {
                String text = line.isEmpty() ? "" : line.substring(1);
                rows.add(new DiffRow(DiffRow.Kind.SAME, new DiffRow.Side(before++, text), new DiffRow.Side(after++, text), 0));
            }
        }
        return rows;
    }
}
