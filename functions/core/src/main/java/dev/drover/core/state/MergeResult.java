package dev.drover.core.state;

/**
 * What one discovery submission did: candidates added; not-started ones updated or found unchanged;
 * candidates a run owns (running, failed, completed) left untouched.
 */
public record MergeResult(long added, long updated, long unchanged, long untouched) {
}
