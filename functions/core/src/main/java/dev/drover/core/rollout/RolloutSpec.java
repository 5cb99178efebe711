package dev.drover.core.rollout;

import dev.drover.contract.model.Check;
import dev.drover.contract.model.InvalidInput;

import java.util.List;
import java.util.Map;

/**
 * What an operator asked a rollout to do, fixed at its creation: which candidates, how many runs at once
 * ({@code concurrency}), at most how many starts a minute ({@code ratePerMinute}, null for no limit), in which
 * {@code waves}, with which {@code failureBudget} (null for none), starting each run with {@code inputs}.
 */
public record RolloutSpec(String rolloutId, String migrationId, Selector selector, int concurrency, Integer ratePerMinute,
                          List<Wave> waves, FailureBudget failureBudget, Map<String, String> inputs, String createdBy,
                          String createdAt) {
    public static final int CONCURRENCY_MAX = 1000;
    public static final int RATE_MAX = 60_000;
    public static final int WAVES_MAX = 20;

    public RolloutSpec {
        selector = selector == null ? new Selector(null, null, null, null) : selector;
        if (concurrency < 1 || concurrency > CONCURRENCY_MAX) {
            throw new InvalidInput("concurrency must be from 1 to " + CONCURRENCY_MAX + ", got " + concurrency);
        }
        if (ratePerMinute != null && (ratePerMinute < 1 || ratePerMinute > RATE_MAX)) {
            throw new InvalidInput("ratePerMinute must be from 1 to " + RATE_MAX + " (or null for no limit), got " + ratePerMinute);
        }
        waves = waves == null ? List.of() : Check.list("waves", waves, WAVES_MAX);
        inputs = inputs == null ? Map.of() : Check.metadata("inputs", inputs);
    }
}
