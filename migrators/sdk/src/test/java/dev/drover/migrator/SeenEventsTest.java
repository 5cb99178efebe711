package dev.drover.migrator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeenEventsTest {
    @Test
    void inMemoryItRemembersAsManyEventsAsItsCapacityAndForgetsTheOldestFirst() {
        SeenEvents seen = SeenEvents.inMemory(3);
        assertEquals(List.of(true, true, true), List.of(seen.firstSight("a"), seen.firstSight("b"), seen.firstSight("c")));
        assertEquals(List.of(false, false, false), List.of(seen.firstSight("a"), seen.firstSight("b"), seen.firstSight("c")),
                     "a redelivery of any of the last three is known");
        assertTrue(seen.firstSight("d"));
        assertEquals(List.of(true, false), List.of(seen.firstSight("a"), seen.firstSight("d")),
                     "the fourth pushed out the oldest, which would be taken again");
    }

    @Test
    void inRedisARestartedMigratorStillKnowsWhatItTookAndOthersAreNotConfused() {
        URI redis = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        String prefix = "drover-test-seen-" + Long.toHexString(System.nanoTime()) + ":";
        try (SeenEvents before = SeenEvents.inRedis(redis, prefix, Duration.ofMinutes(1))) {
            assertEquals(List.of(true, false), List.of(before.firstSight("run-1/bump/1"), before.firstSight("run-1/bump/1")));
        }
        try (SeenEvents after = SeenEvents.inRedis(redis, prefix, Duration.ofMinutes(1));
             SeenEvents otherMigrator = SeenEvents.inRedis(redis, prefix + "other:", Duration.ofMinutes(1))) {
            assertFalse(after.firstSight("run-1/bump/1"), "taken before the restart");
            assertTrue(after.firstSight("run-1/bump/2"), "the next dispatch of the same step is new");
            assertTrue(otherMigrator.firstSight("run-1/bump/1"), "another prefix is another migrator's memory");
        }
    }
}
