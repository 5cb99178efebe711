package dev.drover.core.state;

/**
 * Which state of a migration a read sees: every script that changes something a read of the migration shows (its
 * definition, candidates, their runs and steps) bumps the migration's {@code version} in the same atomic call, and the
 * owner is part of the stamp itself, so two reads with equal stamps see the same migration. {@code createdAt} tells a migration from an earlier one of
 * the same id whose keys were lost (a Redis without persistence restarts with versions from zero).
 *
 * @param owner the app that owns the migration; null for one stored before owners were kept
 */
public record MigrationStamp(String owner, String createdAt, long version) {
}
