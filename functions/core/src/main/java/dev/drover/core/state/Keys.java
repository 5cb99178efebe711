package dev.drover.core.state;

import dev.drover.contract.model.CandidateStatus;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Every Redis key Drover uses, in one place (documented in functions/core/README.md).
 * All keys of one migration share the hash tag {@code {<migration id>}}, so a script that touches
 * one migration stays within one cluster slot.
 */
public final class Keys {
    private final String prefix;

    public Keys(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * Stream: the history outbox. Scripts append a state change's history entry (field {@code e}) in the
     * same script as the change; the history writer persists each entry to the database, then XACKs and
     * XDELs it (consumer group {@code history-writer}), so it holds only what is not yet persisted.
     */
    public String historyOutbox() {
        return prefix + "history:outbox";
    }

    /**
     * Pub/sub channel (not a key): a migration's changes, as JSON {@code {"type": "candidate"|"counts"|"rollout", ...}}.
     * The scripts that change a candidate's status, run or step PUBLISH {@code {"type":"candidate","migrationId",
     * "candidateId","status"}} to it in the same script (a new candidate's message also says {@code "run": null});
     * the events function adds the run's summary when it relays one. Lossy by design: a live view refetches on reconnect.
     */
    public String events(String migrationId) {
        return prefix + "events:" + migrationId;
    }

    /** The pattern of every migration's event channel, for one PSUBSCRIBE per process. */
    public String eventsPattern() {
        return prefix + "events:*";
    }

    /** The migration id of an event channel, from {@link #events}. */
    public String migrationOfEvents(String channel) {
        return channel.substring((prefix + "events:").length());
    }

    /** Sorted set of every migration id (all scores 0: ordered by id). */
    public String migrations() {
        return prefix + "migrations";
    }

    /**
     * Hash: definition (JSON), owner, createdAt, updatedAt, version (bumped by every script that changes what a read of
     * the migration shows, see {@link MigrationStamp}).
     */
    public String migration(String migrationId) {
        return prefix + "m:{" + migrationId + "}";
    }

    /** Sorted set of every candidate id of a migration. */
    public String candidates(String migrationId) {
        return migration(migrationId) + ":c";
    }

    /** Hash: kind, files (JSON), steps (JSON), status, createdAt, updatedAt. */
    public String candidate(String migrationId, String candidateId) {
        return candidates(migrationId) + ":" + candidateId;
    }

    /** Hash: the candidate's metadata, one field per key, so one key changes without rewriting the rest. */
    public String candidateMetadata(String migrationId, String candidateId) {
        return candidate(migrationId, candidateId) + ":meta";
    }

    /** Hash: the inputs an operator gave this candidate's runs, one field per input name. */
    public String candidateInputs(String migrationId, String candidateId) {
        return candidate(migrationId, candidateId) + ":inputs";
    }

    /** Hash: the step states (JSON) of the candidate's current or last run, one field per step name. */
    public String candidateSteps(String migrationId, String candidateId) {
        return candidate(migrationId, candidateId) + ":steps";
    }

    /** Sorted set: every run id of the candidate, scored by attempt number. */
    public String candidateRuns(String migrationId, String candidateId) {
        return candidate(migrationId, candidateId) + ":runs";
    }

    /** Hash: one run's record (migrationId, candidateId, attempt, status, token, steps JSON, times). */
    public String announcements(String migrationId) {
        return prefix + "announcements:{" + migrationId + "}";
    }

    public String run(String runId) {
        return prefix + "run:" + runId;
    }

    /** Sorted set of the ids of a migration's candidates in one status. */
    public String status(String migrationId, CandidateStatus status) {
        return migration(migrationId) + ":s:" + status.wire();
    }

    /** Sorted set of the ids of a migration's candidates whose metadata has key=value. */
    public String metadataIndex(String migrationId, String key, String value) {
        return migration(migrationId) + ":x:" + metadataIndexSuffix(key, value);
    }

    /** The part of {@link #metadataIndex} after ":x:"; URL-encoded so any value makes one unambiguous key. */
    static String metadataIndexSuffix(String key, String value) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
