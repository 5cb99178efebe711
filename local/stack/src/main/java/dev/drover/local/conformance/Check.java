package dev.drover.local.conformance;

/**
 * One named check of the kit and how it went.
 *
 * @param detail   what was seen when it passed, or why it was skipped or not run
 * @param expected what the contract asks, when it failed
 * @param seen     what the migrator did instead, when it failed
 */
public record Check(int number, String name, Outcome outcome, String detail, String expected, String seen) {
    public enum Outcome {
        PASS, FAIL, SKIP, NOT_RUN
    }

    static Check passed(int number, String name, String detail) {
        return new Check(number, name, Outcome.PASS, detail, "", "");
    }

    static Check skipped(int number, String name, String reason) {
        return new Check(number, name, Outcome.SKIP, reason, "", "");
    }

    static Check failed(int number, String name, String expected, String seen) {
        return new Check(number, name, Outcome.FAIL, "", expected, seen);
    }

    static Check notRun(int number, String name) {
        return new Check(number, name, Outcome.NOT_RUN, "not run: an earlier check failed", "", "");
    }
}
