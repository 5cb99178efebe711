package dev.drover.core.rollout;

import java.util.List;
import java.util.Map;

/** A rollout as the API answers it and the event stream publishes it: what was asked, and where it stands. */
public record RolloutView(String rolloutId, String migrationId, String status, String pausedReason, Selector selector,
                          int concurrency, Integer ratePerMinute, List<Wave> waves, FailureBudget failureBudget,
                          Map<String, String> inputs, WaveState wave, RolloutCounts counts, String createdBy, String createdAt,
                          String updatedAt) {
    public static RolloutView of(RolloutSpec spec, RolloutProgress progress) {
        return new RolloutView(spec.rolloutId(), spec.migrationId(), progress.status(), progress.pausedReason(), spec.selector(),
                               spec.concurrency(), spec.ratePerMinute(), spec.waves(), spec.failureBudget(), spec.inputs(),
                               progress.wave(), progress.counts(), spec.createdBy(), spec.createdAt(), progress.updatedAt());
    }
}
