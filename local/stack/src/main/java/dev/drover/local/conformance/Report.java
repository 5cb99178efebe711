package dev.drover.local.conformance;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the kit found: every check in order, each PASS, FAIL (what the contract expects and what was seen), SKIP (why)
 * or not run (after the first failure), and where the migrator's output went when the kit started it.
 */
public record Report(String app, URI migrator, List<Check> checks, Optional<String> migratorLog) {
    public Report {
        checks = List.copyOf(checks);
    }

    /** True when no check failed (skipped ones count as passed: they do not apply to this migrator). */
    public boolean passed() {
        return checks.stream().noneMatch(c -> c.outcome() == Check.Outcome.FAIL);
    }

    public Optional<Check> firstViolation() {
        return checks.stream().filter(c -> c.outcome() == Check.Outcome.FAIL).findFirst();
    }

    /** For a JUnit test: an {@link AssertionError} whose message is the whole report when a check failed. */
    public Report assertPassed() {
        if (!passed()) {
            throw new AssertionError(render());
        }
        return this;
    }

    /** The report for people: one line per check, the expected and seen of a failure under it. */
    public String render() {
        List<String> lines = new ArrayList<>();
        lines.add("Drover conformance of migrator app " + app + " at " + migrator);
        for (Check check : checks) {
            String mark = switch (check.outcome()) {
                case PASS -> "PASS";
                case FAIL -> "FAIL";
                case SKIP -> "SKIP";
                case NOT_RUN -> "----";
            };
            lines.add("  %s  %d %-28s %s".formatted(mark, check.number(), check.name(), check.detail()).stripTrailing());
            if (check.outcome() == Check.Outcome.FAIL) {
                lines.add("          expected: " + indented(check.expected()));
                lines.add("          seen:     " + indented(check.seen()));
            }
        }
        migratorLog.ifPresent(log -> lines.add("  the migrator's output: " + log));
        lines.add(firstViolation().map(c -> "FAILED: check " + c.number() + " (" + c.name() + ") is the first violation")
                          .orElse("PASSED: the migrator speaks the contract"
                                          + (checks.stream().anyMatch(c -> c.outcome() == Check.Outcome.SKIP) ? " (skipped checks do not apply to it)" : "")));
        return String.join(System.lineSeparator(), lines);
    }

    /** A value of several lines (a migrator's last output lines) stays under its label. */
    private static String indented(String text) {
        return text.replace(System.lineSeparator(), System.lineSeparator() + " ".repeat(20));
    }

    static String abbreviate(String text, int max) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    /** {@code base}/{@code path}, whether or not the base ends with a slash. */
    static URI under(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text : text + "/") + path);
    }
}
