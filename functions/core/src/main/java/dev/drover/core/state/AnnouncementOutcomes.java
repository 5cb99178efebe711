package dev.drover.core.state;

import dev.drover.core.json.Json;
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
    /**
     * @param outcome {@code accepted} or {@code dropped}
     * @param code    for a dropped one, the stable code of why (for example {@code not_owner}); null when accepted
     * @param reason  for a dropped one, the reason in words; for an accepted one, what it did
     */
    public record Outcome(String migrationId, String app, String outcome, String code, String reason, Instant at) {
        /** The outcome of an announcement that proved no app: {@code app} is null. */
        public static Outcome unauthenticated(String migrationId, String code, String reason, Instant at) {
            return new Outcome(migrationId, null, DROPPED, code, reason, at);
        }

        public static final String ACCEPTED = "accepted";
        public static final String DROPPED = "dropped";
    }

    /** The hash field of the unauthenticated outcome: a colon is in no app id (a slug). */
    private static final String UNAUTHENTICATED = ":unauthenticated";

    private final UnifiedJedis redis;
    private final Keys keys;

    AnnouncementOutcomes(UnifiedJedis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public void record(Outcome outcome) {
        redis.hset(keys.announcements(outcome.migrationId()), outcome.app() == null ? UNAUTHENTICATED : outcome.app(),
                   Json.string(outcome));
    }

    /** Every app's last outcome for the migration, by app. */
    public List<Outcome> of(String migrationId) {
        return redis.hgetAll(keys.announcements(migrationId)).entrySet().stream()
                .filter(entry -> !entry.getKey().equals(UNAUTHENTICATED))
                .map(entry -> Json.readStored(entry.getValue(), Outcome.class))
                .sorted(Comparator.comparing(Outcome::app))
                .toList();
    }

    /** The last announcement of the migration that carried no valid migrator token, if any. */
    public Optional<Outcome> unauthenticated(String migrationId) {
        return Optional.ofNullable(redis.hget(keys.announcements(migrationId), UNAUTHENTICATED))
                .map(json -> Json.readStored(json, Outcome.class));
    }
}
