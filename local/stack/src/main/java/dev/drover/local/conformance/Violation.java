package dev.drover.local.conformance;

/** What a check throws when the migrator breaks the contract: what the contract asks, and what was seen instead. */
final class Violation extends Exception {
    private final String expected;
    private final String seen;

    Violation(String expected, String seen) {
        super(expected + "; seen: " + seen, null, false, false);
        this.expected = expected;
        this.seen = seen;
    }

    String expected() {
        return expected;
    }

    String seen() {
        return seen;
    }
}
