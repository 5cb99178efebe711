package dev.drover.cli;

/** ANSI colours, only when the {@link Terminal} wants them; otherwise the text as it is. */
record Style(boolean on) {
    static final String RED = "31";
    static final String GREEN = "32";
    static final String YELLOW = "33";
    static final String CYAN = "36";
    static final String BOLD = "1";
    static final String DIM = "2";

    String paint(String code, String text) {
        return on && !text.isEmpty() ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }

    /** A candidate's, run's, step's or rollout's status in the colour that says how it goes. */
    String status(String status) {
        return switch (status) {
            case "completed", "succeeded", "merged" -> paint(GREEN, status);
            case "failed", "aborted" -> paint(RED, status);
            case "running", "dispatched", "pending" -> paint(YELLOW, status);
            case "paused", "cancelled", "cancelling" -> paint(CYAN, status);
            default -> status;
        };
    }

    /** One line of a unified diff: headers bold, hunks cyan, additions green, removals red. */
    String diffLine(String line) {
        if (line.startsWith("+++") || line.startsWith("---")) {
            return paint(BOLD, line);
        }
        if (line.startsWith("@@")) {
            return paint(CYAN, line);
        }
        if (line.startsWith("+")) {
            return paint(GREEN, line);
        }
        if (line.startsWith("-")) {
            return paint(RED, line);
        }
        return line;
    }
}
