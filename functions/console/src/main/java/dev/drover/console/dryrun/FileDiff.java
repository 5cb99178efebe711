package dev.drover.console.dryrun;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One file's change as rows for either layout, computed from its before and after text with
 * java-diff-utils (Myers), unchanged runs cut down to {@value #CONTEXT} lines of context around
 * each change.
 */
public final class FileDiff {
    static final int CONTEXT = 3;
    /**
     * Beyond this many lines on a side the diff is not computed here: Myers is quadratic in the
     * number of differences, and a page must not spend seconds on one file. The migrator's own
     * unified diff is shown instead (see {@link UnifiedText}).
     */
    static final int MAX_LINES_TO_DIFF = 10_000;

    private sealed interface Block permits Same, Change {
    }

    private record Same(int beforeStart, int afterStart, List<String> lines) implements Block {
    }

    private record Change(int beforeStart, List<String> before, int afterStart, List<String> after) implements Block {
    }

    private final List<Block> blocks;
    private final int added;
    private final int deleted;

    private FileDiff(List<Block> blocks) {
        this.blocks = blocks;
        this.added = blocks.stream().mapToInt(b -> b instanceof Change c ? c.after.size() : 0).sum();
        this.deleted = blocks.stream().mapToInt(b -> b instanceof Change c ? c.before.size() : 0).sum();
    }

    /**
     * The diff of {@code before} (null: a new file) against {@code after} (null: a deleted file);
     * empty when both are null or a side is too long to diff here.
     */
    public static Optional<FileDiff> of(String before, String after) {
        if (before == null && after == null) {
            return Optional.empty();
        }
        List<String> old = lines(before);
        List<String> now = lines(after);
        if (old.size() > MAX_LINES_TO_DIFF || now.size() > MAX_LINES_TO_DIFF) {
            return Optional.empty();
        }
        List<Block> blocks = new ArrayList<>();
        int o = 0;
        int n = 0;
        for (AbstractDelta<String> delta : DiffUtils.diff(old, now).getDeltas()) {
            Chunk<String> source = delta.getSource();
            Chunk<String> target = delta.getTarget();
            if (source.getPosition() > o) {
                blocks.add(new Same(o, n, old.subList(o, source.getPosition())));
            }
            blocks.add(new Change(source.getPosition(), source.getLines(), target.getPosition(), target.getLines()));
            o = source.getPosition() + source.size();
            n = target.getPosition() + target.size();
        }
        if (o < old.size()) {
            blocks.add(new Same(o, n, old.subList(o, old.size())));
        }
        return Optional.of(new FileDiff(blocks));
    }

    public int added() {
        return added;
    }

    public int deleted() {
        return deleted;
    }

    /** The rows to show in {@code layout}, long unchanged runs replaced by one gap row each. */
    public List<DiffRow> rows(DiffLayout layout) {
        List<DiffRow> rows = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            switch (blocks.get(i)) {
                case Same same -> same(rows, same, i == 0, i == blocks.size() - 1);
                case Change change -> change(rows, change, layout);
            }
        }
        return rows;
    }

    private static void same(List<DiffRow> rows, Same same, boolean first, boolean last) {
        int size = same.lines.size();
        int head = first ? 0 : Math.min(CONTEXT, size);
        int tail = last ? 0 : Math.min(CONTEXT, size - head);
        for (int k = 0; k < head; k++) {
            rows.add(sameRow(same, k));
        }
        if (size - head - tail > 0) {
            rows.add(DiffRow.gap(size - head - tail));
        }
        for (int k = size - tail; k < size; k++) {
            rows.add(sameRow(same, k));
        }
    }

    private static DiffRow sameRow(Same same, int k) {
        String text = same.lines.get(k);
        return new DiffRow(DiffRow.Kind.SAME, new DiffRow.Side(same.beforeStart + k + 1, text),
                           new DiffRow.Side(same.afterStart + k + 1, text), 0);
    }

    private static void change(List<DiffRow> rows, Change change, DiffLayout layout) {
        if (layout == DiffLayout.UNIFIED) {
            for (int k = 0; k < change.before.size(); k++) {
                rows.add(new DiffRow(DiffRow.Kind.DELETED, new DiffRow.Side(change.beforeStart + k + 1, change.before.get(k)),
                                     DiffRow.Side.NONE, 0));
            }
            for (int k = 0; k < change.after.size(); k++) {
                rows.add(new DiffRow(DiffRow.Kind.ADDED, DiffRow.Side.NONE,
                                     new DiffRow.Side(change.afterStart + k + 1, change.after.get(k)), 0));
            }
            return;
        }
        // Side by side: the k-th removed line faces the k-th added one; the longer side runs on alone.
        for (int k = 0; k < Math.max(change.before.size(), change.after.size()); k++) {
            DiffRow.Side left = k < change.before.size()
                    ? new DiffRow.Side(change.beforeStart + k + 1, change.before.get(k)) : DiffRow.Side.NONE;
            DiffRow.Side right = k < change.after.size()
                    ? new DiffRow.Side(change.afterStart + k + 1, change.after.get(k)) : DiffRow.Side.NONE;
            DiffRow.Kind kind = left.present() && right.present() ? DiffRow.Kind.CHANGED
                    : left.present() ? DiffRow.Kind.DELETED : DiffRow.Kind.ADDED;
            rows.add(new DiffRow(kind, left, right, 0));
        }
    }

    /** A file's lines; a final newline ends the last line rather than starting an empty one, and CRLF reads as LF. */
    static List<String> lines(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        lines.replaceAll(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        return lines;
    }
}
