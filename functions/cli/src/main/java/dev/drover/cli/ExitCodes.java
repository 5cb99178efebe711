package dev.drover.cli;

/**
 * What {@code ./drover}'s operator commands exit with, so a script can tell "fix the command" from "the API is
 * down" from "no such thing". Listed in every command's {@code --help} and in the README.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** The API refused the request (a 4xx other than 404: no permission, a conflict, an invalid value). */
    public static final int REFUSED = 1;
    /** The command line is wrong, or no token is configured: nothing was sent. */
    public static final int USAGE = 2;
    /** The API cannot be reached, or failed (5xx): retry later. */
    public static final int UNAVAILABLE = 3;
    /** No such migration, candidate or rollout (404). */
    public static final int NOT_FOUND = 4;
    /** {@code --wait} / {@code --until-done}: it ended, but not well (a rollout aborted or paused, candidates failed). */
    public static final int ENDED_BADLY = 5;

    /** For picocli's {@code exitCodeList}: "code:meaning". */
    static final String[] LIST = {
        "0:done",
        "1:the API refused the request (4xx other than 404: role, conflict, invalid value)",
        "2:usage: a wrong option or argument, or no token configured (nothing was sent)",
        "3:the API cannot be reached, or failed (5xx); retry later",
        "4:not found: no such migration, candidate or rollout (404)",
        "5:--wait / --until-done ended badly: a rollout aborted or paused, or candidates failed",
    };

    private ExitCodes() {
    }
}
