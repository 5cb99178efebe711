package dev.drover.core.state;

import dev.drover.contract.json.Json;
import dev.drover.contract.model.CandidateCounts;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Migration;
import dev.drover.core.model.StoredMigration;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Migration definitions in Redis: upserted by announcements, read by operators. */
public final class MigrationStore {

    private final UnifiedJedis redis;
    private final Keys keys;
    private final Clock clock;
    private final LuaScript announce;
    private final LuaScript transfer;
    private final ParsedDefinitions definitions = new ParsedDefinitions();

    public MigrationStore(UnifiedJedis redis, Keys keys, Clock clock) {
        this(redis, keys, clock, LuaScript.RESOURCES);
    }

    MigrationStore(UnifiedJedis redis, Keys keys, Clock clock, LuaScript.Source scripts) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.announce = scripts.load("announce.lua");
        this.transfer = scripts.load("transfer-migration.lua");
    }

    /** What became of an announcement. */
    public sealed interface Announced {
        /** Stored; {@code changed} when the definition is new or differs from the stored one. */
        record Stored(boolean changed) implements Announced {
        }

        /** Another app owns the migration id: nothing was written. */
        record Refused(String owner) implements Announced {
        }
    }

    /**
     * Stores a definition announced by {@code app}: replaces the stored one, keeps createdAt, the owner and every
     * candidate. The first announcer of an id owns it; another app's announcement is refused.
     */
    public Announced announce(Migration migration, String app) {
        List<?> reply = (List<?>) announce.run(redis,
                                               List.of(keys.migration(migration.id()), keys.migrations()),
                                               List.of(migration.id(), Json.string(migration), clock.instant().toString(), app));
        return "refused".equals(reply.get(0)) ? new Announced.Refused((String) reply.get(1))
                                              : new Announced.Stored(Long.valueOf(1).equals(reply.get(1)));
    }

    /** The app that owns the migration, if the migration exists (and was announced since owners were kept). */
    public Optional<String> owner(String migrationId) {
        return Optional.ofNullable(redis.hget(keys.migration(migrationId), "owner"));
    }

    /**
     * Gives the migration to another app (an admin's decision): from now on only that app may announce it and
     * submit its candidates.
     *
     * @return the previous owner, empty when there was none; a {@link MigrationNotFound} when the migration does not exist
     */
    public Optional<String> transfer(String migrationId, String app) {
        return transfer(migrationId, app, "");
    }

    /** Transfers, and appends the audit entry {@code historyEntry} ('' for none) to the history outbox in the same script. */
    public Optional<String> transfer(String migrationId, String app, String historyEntry) {
        Object previous = transfer.run(redis, List.of(keys.migration(migrationId), keys.historyOutbox()), List.of(app, historyEntry));
        if (Long.valueOf(0).equals(previous)) {
            throw new MigrationNotFound(migrationId);
        }
        return previous instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /**
     * The migration's owner and the state a read sees now, in one command; empty when the migration does not exist.
     * Read it before the state it stands for (see {@link RenderedReads}).
     */
    public Optional<MigrationStamp> stamp(String migrationId) {
        List<String> fields = redis.hmget(keys.migration(migrationId), "owner", "createdAt", "version");
        if (fields.get(1) == null) {
            return Optional.empty();
        }
        return Optional.of(new MigrationStamp(fields.get(0), fields.get(1), fields.get(2) == null ? 0 : Long.parseLong(fields.get(2))));
    }

    public boolean exists(String migrationId) {
        return redis.exists(keys.migration(migrationId));
    }

    /** The candidate counts alone, in one round trip; empty when the migration does not exist. */
    public Optional<CandidateCounts> counts(String migrationId) {
        Response<Boolean> exists;
        CountsResponse counts;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            exists = pipeline.exists(keys.migration(migrationId));
            counts = CountsResponse.queue(pipeline, keys, migrationId);
            pipeline.sync();
        }
        return exists.get() ? Optional.of(counts.get()) : Optional.empty();
    }

    /** The announced definition alone: one read, no counts (what run operations need). */
    public Optional<Migration> definition(String migrationId) {
        return Optional.ofNullable(redis.hget(keys.migration(migrationId), "definition"))
                .map(definitions::parse);
    }

    public Optional<StoredMigration> find(String migrationId) {
        List<StoredMigration> found = read(List.of(migrationId));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Whether {@code app} owns any migration: each migration's owner field, in one pipelined round trip. */
    public boolean anyOwnedBy(String app) {
        List<Response<String>> owners = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : redis.zrange(keys.migrations(), 0, -1)) {
                owners.add(pipeline.hget(keys.migration(id), "owner"));
            }
            pipeline.sync();
        }
        return owners.stream().anyMatch(owner -> app.equals(owner.get()));
    }

    /** Every migration, ordered by id, with its candidate counts. */
    public List<StoredMigration> list() {
        return read(redis.zrange(keys.migrations(), 0, -1));
    }

    private List<StoredMigration> read(List<String> ids) {
        List<Response<Map<String, String>>> hashes = new ArrayList<>(ids.size());
        List<CountsResponse> counts = new ArrayList<>(ids.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : ids) {
                hashes.add(pipeline.hgetAll(keys.migration(id)));
                counts.add(CountsResponse.queue(pipeline, keys, id));
            }
            pipeline.sync();
        }
        List<StoredMigration> result = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> hash = hashes.get(i).get();
            if (hash.containsKey("definition")) {
                result.add(new StoredMigration(definitions.parse(hash.get("definition")),
                                               hash.get("owner"),
                                               StoredInstant.parse(hash.get("createdAt")),
                                               StoredInstant.parse(hash.get("updatedAt")),
                                               counts.get(i).get()));
            }
        }
        return result;
    }

    /** Per-status counts are the cardinalities of the status sets: O(1) each, one round trip for all. */
    private record CountsResponse(Response<Long> total, Map<CandidateStatus, Response<Long>> byStatus) {
        static CountsResponse queue(AbstractPipeline pipeline, Keys keys, String migrationId) {
            Map<CandidateStatus, Response<Long>> byStatus = new EnumMap<>(CandidateStatus.class);
            for (CandidateStatus status : CandidateStatus.values()) {
                byStatus.put(status, pipeline.zcard(keys.status(migrationId, status)));
            }
            return new CountsResponse(pipeline.zcard(keys.candidates(migrationId)), byStatus);
        }

        CandidateCounts get() {
            Map<CandidateStatus, Long> values = new EnumMap<>(CandidateStatus.class);
            byStatus.forEach((status, count) -> values.put(status, count.get()));
            return new CandidateCounts(total.get(), values);
        }
    }
}
