package dev.drover.contract.event;

import java.time.Instant;

/**
 * What became of a migrator app's last announcement of a migration, as {@code GET /registry/announcements/{id}}
 * answers it. An announcement arrives through Dapr, which answers its publisher before the platform has read it:
 * this is how the publisher learns that it was dropped, and why.
 *
 * @param outcome {@code accepted} or {@code dropped}
 * @param code    for a dropped one, the stable code of why (for example {@code not_owner}); null when accepted
 * @param reason  for a dropped one, the reason in words; for an accepted one, what it did
 */
public record AnnouncementOutcome(String migrationId, String app, String outcome, String code, String reason, Instant at) {
    public static final String ACCEPTED = "accepted";
    public static final String DROPPED = "dropped";
}
