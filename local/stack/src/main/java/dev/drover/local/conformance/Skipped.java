package dev.drover.local.conformance;

/** What a check throws when it does not apply to this migrator (it announced no dry-run URL, say). */
final class Skipped extends Exception {
    Skipped(String reason) {
        super(reason, null, false, false);
    }
}
