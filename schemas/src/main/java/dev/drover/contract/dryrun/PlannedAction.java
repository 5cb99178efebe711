package dev.drover.contract.dryrun;

/**
 * One change a step would make that is no file: a database role to create, a secret's keys to replace, a session to
 * wait for. Text for humans, and never a secret's value: a dry-run is shown to every operator.
 *
 * @param target what it acts on, e.g. {@code role billing_2} or {@code Secret payments/billing-db}
 * @param action what it would do to it, a verb: {@code create}, {@code update}, {@code drop}, {@code wait}
 * @param detail how, e.g. {@code keys username, password (username billing_1 -> billing_2)}; may be empty
 */
public record PlannedAction(String target, String action, String detail) {
    public PlannedAction {
        detail = detail == null ? "" : detail;
    }
}
