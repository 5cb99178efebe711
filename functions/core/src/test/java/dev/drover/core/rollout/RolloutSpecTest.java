package dev.drover.core.rollout;

import dev.drover.contract.model.InvalidInput;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a rollout's request may ask for, at the edges of each range, and what a refusal says. */
class RolloutSpecTest {
    private static RolloutSpec spec(int concurrency, Integer rate, List<Wave> waves, Map<String, String> inputs) {
        return new RolloutSpec("r", "m", null, concurrency, rate, waves, null, inputs, "ana", "2026-01-01T00:00:00Z");
    }

    private static String refusal(Runnable build) {
        return assertThrows(InvalidInput.class, build::run).getMessage();
    }

    @Test
    void concurrencyAndRateAreTakenFromOneToTheirMaximum() {
        assertEquals(1, spec(1, 1, null, null).concurrency());
        assertEquals(RolloutSpec.CONCURRENCY_MAX, spec(RolloutSpec.CONCURRENCY_MAX, RolloutSpec.RATE_MAX, null, null).concurrency());
        assertEquals("concurrency must be from 1 to 1000, got 0", refusal(() -> spec(0, null, null, null)));
        assertEquals("concurrency must be from 1 to 1000, got 1001", refusal(() -> spec(1001, null, null, null)));
        assertEquals("ratePerMinute must be from 1 to 60000 (or null for no limit), got 0", refusal(() -> spec(1, 0, null, null)));
        assertEquals("ratePerMinute must be from 1 to 60000 (or null for no limit), got 60001", refusal(() -> spec(1, 60_001, null, null)));
    }

    @Test
    void absentWavesInputsAndSelectorMeanNoneAndInputsAreChecked() {
        RolloutSpec none = spec(1, null, null, null);
        assertEquals(List.of(), none.waves());
        assertEquals(Map.of(), none.inputs());
        assertEquals(new Selector(null, null, null, null), none.selector(), "no selector: every candidate");
        assertEquals(Map.of("target-version", "2.0"), spec(1, null, null, Map.of("target-version", "2.0")).inputs());
        refusal(() -> spec(1, null, null, Map.of("target version", "2.0")));
    }

    @Test
    void aWaveHasAtLeastOneCandidateAndWaitsForAPromotionUnlessItSaysHowLong() {
        assertEquals(1, new Wave(1, null).size());
        assertEquals(Wave.PROMOTE, new Wave(1, null).after());
        assertEquals(java.time.Duration.ofDays(30), new Wave(1, "P30D").waitFor());
        assertEquals("waves[].size must be at least 1, got 0", refusal(() -> new Wave(0, null)));
        assertEquals("waves[].after must be a duration above zero and at most 30 days, got 'PT0S'", refusal(() -> new Wave(1, "PT0S")));
        refusal(() -> new Wave(1, "P31D"));
    }
}
