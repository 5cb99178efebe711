package dev.drover.contract.dryrun;

/**
 * One file a step would change. {@code before} is null for a new file, {@code after} for a deleted
 * one; {@code diff} is the same change as a unified diff, for humans.
 */
public record FileChange(String path, ChangeStatus status, String before, String after, String diff) {
}
