package dev.drover.core.rollout;

import dev.drover.contract.model.InvalidInput;

/**
 * When a rollout pauses for failures: when the runs with a failed step reach {@code count}, or {@code percent} of
 * the runs started (exactly one of the two). Counted from the rollout's start, and again from each resume.
 */
public record FailureBudget(Integer count, Integer percent) {
    public FailureBudget {
        if ((count == null) == (percent == null)) {
            throw new InvalidInput("failureBudget takes exactly one of count or percent");
        }
        if (count != null && count < 1) {
            throw new InvalidInput("failureBudget.count must be at least 1, got " + count);
        }
        if (percent != null && (percent < 1 || percent > 100)) {
            throw new InvalidInput("failureBudget.percent must be from 1 to 100, got " + percent);
        }
    }

    /** Whether {@code failed} failures among {@code started} runs (since the last resume) exhaust the budget. */
    public boolean exhausted(long failed, long started) {
        if (failed <= 0) {
            return false;
        }
        return count != null ? failed >= count : failed * 100 >= (long) percent * Math.max(started, 1);
    }
}
