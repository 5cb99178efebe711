package dev.drover.core.state;

import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.contract.json.Json;
import redis.clients.jedis.UnifiedJedis;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The last outcome of each migrator app's announcement of each migration. An announcement arrives through Dapr, which
 * answers its publisher before the platform has read it, so a dropped one would otherwise be silent: its sender reads
 * why here ({@code GET /registry/announcements/{migrationId}}). Kept per app, so a refused app's outcome never
 * overwrites the owner's. Only an authenticated announcer's outcome is kept: nobody can write in another app's name.
 */
public final class AnnouncementOutcomes {
    private final UnifiedJedis redis;
    private final Keys keys;

    AnnouncementOutcomes(UnifiedJedis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public void record(AnnouncementOutcome outcome) {
        redis.hset(keys.announcements(outcome.migrationId()), outcome.app(), Json.string(outcome));
    }

    /** Every app's last outcome for the migration, by app. */
    public List<AnnouncementOutcome> of(String migrationId) {
        return redis.hgetAll(keys.announcements(migrationId)).values().stream()
                .map(json -> Json.readStored(json, AnnouncementOutcome.class))
                .sorted(Comparator.comparing(AnnouncementOutcome::app))
                .toList();
    }
}
