package dev.drover.migrator;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

import java.util.List;

/** Unified diffs (as {@code git diff} prints them) for a dry-run's file changes. */
final class Diffs {
    private Diffs() {
    }

    /** {@code before} null is a new file, {@code after} null a deleted one. */
    static String unified(String path, String before, String after) {
        List<String> original = lines(before);
        List<String> revised = lines(after);
        Patch<String> patch = DiffUtils.diff(original, revised);
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(before == null ? "/dev/null" : "a/" + path,
                                                                 after == null ? "/dev/null" : "b/" + path,
                                                                 original, patch, 3);
        return diff.isEmpty() ? "" : String.join("\n", diff) + "\n";
    }

    private static List<String> lines(String content) {
        return content == null || content.isEmpty() ? List.of() : content.lines().toList();
    }
}
