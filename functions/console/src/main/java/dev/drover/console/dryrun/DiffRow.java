package dev.drover.console.dryrun;

/**
 * One row of a rendered file diff. In the unified layout a row carries one side (the other is
 * {@link Side#NONE}); side by side, a changed row carries both. A {@link Kind#GAP} row stands for
 * {@code skipped} unchanged lines left out between hunks.
 */
public record DiffRow(Kind kind, Side before, Side after, int skipped) {
    public enum Kind { SAME, DELETED, ADDED, CHANGED, GAP }

    /** A line on one side: its 1-based number in that version of the file and its text; number 0 is an empty cell. */
    public record Side(int number, String text) {
        public static final Side NONE = new Side(0, "");

        public boolean present() {
            return number > 0;
        }
    }

    static DiffRow gap(int skipped) {
        return new DiffRow(Kind.GAP, Side.NONE, Side.NONE, skipped);
    }
}
