package dev.drover.contract.event;

import java.time.Instant;

/**
 * What became of a migrator app's last announcement of a migration, as {@code GET /registry/announcements/{id}}
 * answers it. An announcement arrives through Dapr, which answers its publisher before the platform has read it:
 * this is how the publisher learns that it was dropped, and why.
 *
 * @param app     the announcing migrator app; null for one that proved no app
 * @param outcome {@code accepted} or {@code dropped}
 * @param code    for a dropped one, the stable code of why (for example {@code not_owner}); null when accepted
 * @param reason  for a dropped one, the reason in words; for an accepted one, what it did
 */
public record AnnouncementOutcome(String migrationId, String app, String outcome, String code, String reason, Instant at) {
    public static final String ACCEPTED = "accepted";
    public static final String DROPPED = "dropped";

    /** The outcome of an announcement that proved no app (no token, or a refused one): {@code app} is null. */
    public static AnnouncementOutcome unauthenticated(String migrationId, String code, String reason, Instant at) {
        return new AnnouncementOutcome(migrationId, null, DROPPED, code, reason, at);
    }
}
