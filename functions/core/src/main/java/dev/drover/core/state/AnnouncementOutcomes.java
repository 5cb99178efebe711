package dev.drover.core.state;

import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.contract.json.Json;
import redis.clients.jedis.UnifiedJedis;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The last outcome of each migrator app's announcement of each migration. An announcement arrives through Dapr, which
 * answers its publisher before the platform has read it, so a dropped one would otherwise be silent: its sender reads
 * why here ({@code GET /registry/announcements/{migrationId}}). Kept per app, so a refused app's outcome never
 * overwrites the owner's: nobody can write in another app's name. An announcement without a valid migrator token names
 * no app; the last such one is kept apart ({@link #unauthenticated}), so its author learns where the token goes.
 */
public final class AnnouncementOutcomes {
    /** The hash field of the unauthenticated outcome: a colon is in no app id (a slug). */
    private static final String UNAUTHENTICATED = ":unauthenticated";

    private final UnifiedJedis redis;
    private final Keys keys;

    AnnouncementOutcomes(UnifiedJedis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public void record(AnnouncementOutcome outcome) {
        redis.hset(keys.announcements(outcome.migrationId()), outcome.app() == null ? UNAUTHENTICATED : outcome.app(),
                   Json.string(outcome));
    }

    /** Every app's last outcome for the migration, by app. */
    public List<AnnouncementOutcome> of(String migrationId) {
        return redis.hgetAll(keys.announcements(migrationId)).entrySet().stream()
                .filter(entry -> !entry.getKey().equals(UNAUTHENTICATED))
                .map(entry -> Json.readStored(entry.getValue(), AnnouncementOutcome.class))
                .sorted(Comparator.comparing(AnnouncementOutcome::app))
                .toList();
    }

    /** The last announcement of the migration that carried no valid migrator token, if any. */
    public Optional<AnnouncementOutcome> unauthenticated(String migrationId) {
        return Optional.ofNullable(redis.hget(keys.announcements(migrationId), UNAUTHENTICATED))
                .map(json -> Json.readStored(json, AnnouncementOutcome.class));
    }
}
