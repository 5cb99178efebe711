package dev.drover.core.rollout;

import dev.drover.contract.json.Json;
import dev.drover.core.state.Keys;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout records in Redis, so that reading a rollout never asks Temporal: a hash per rollout ({@code spec} and
 * {@code progress} as JSON, {@code version}) and a per-migration index sorted by creation time. The rollout's
 * workflow saves its progress through an activity; each save is published on the migration's event channel as
 * {@code {"type":"rollout", ...the rollout}}.
 */
public final class RolloutStore {
    /** Writes the progress only when it is newer than what is stored, and publishes it in the same script. */
    private static final String SAVE = """
            local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
            if stored >= tonumber(ARGV[1]) then
              return 0
            end
            redis.call('HSET', KEYS[1], 'version', ARGV[1], 'progress', ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """;

    private final UnifiedJedis redis;
    private final Keys keys;

    public RolloutStore(UnifiedJedis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Sorted set of a migration's rollout ids, scored by creation time (epoch milliseconds). */
    String index(String migrationId) {
        return keys.migration(migrationId) + ":r";
    }

    /** Hash: spec (JSON), progress (JSON), version. */
    String rollout(String migrationId, String rolloutId) {
        return index(migrationId) + ":" + rolloutId;
    }

    /** Records a new rollout with its first progress (version 0) and publishes it. */
    public void create(RolloutSpec spec, RolloutProgress progress) {
        String key = rollout(spec.migrationId(), spec.rolloutId());
        redis.hset(key, Map.of("spec", Json.string(spec)));
        redis.zadd(index(spec.migrationId()), Instant.parse(spec.createdAt()).toEpochMilli(), spec.rolloutId());
        save(spec, progress);
    }

    /** Forgets a rollout whose workflow never began (Temporal did not answer its start). */
    public void delete(String migrationId, String rolloutId) {
        redis.zrem(index(migrationId), rolloutId);
        redis.del(rollout(migrationId, rolloutId));
    }

    /** @return false when a newer progress was stored already (nothing written, nothing published) */
    public boolean save(RolloutSpec spec, RolloutProgress progress) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "rollout");
        event.putAll(Json.mapper().convertValue(RolloutView.of(spec, progress), Map.class));
        Object saved = redis.eval(SAVE, List.of(rollout(spec.migrationId(), spec.rolloutId())),
                                  List.of(Long.toString(progress.version()), Json.string(progress),
                                          keys.events(spec.migrationId()), Json.string(event)));
        return Long.valueOf(1).equals(saved);
    }

    public Optional<RolloutView> find(String migrationId, String rolloutId) {
        return view(redis.hgetAll(rollout(migrationId, rolloutId)));
    }

    /** The migration's rollouts, newest first, at most {@code limit}: the index, then every rollout in one round trip. */
    public List<RolloutView> list(String migrationId, int limit) {
        List<Response<Map<String, String>>> hashes = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : redis.zrevrange(index(migrationId), 0, limit - 1)) {
                hashes.add(pipeline.hgetAll(rollout(migrationId, id)));
            }
            pipeline.sync();
        }
        List<RolloutView> result = new ArrayList<>();
        hashes.forEach(hash -> view(hash.get()).ifPresent(result::add));
        return result;
    }

    /** A rollout's hash as a view; empty when it is gone (deleted between the index read and its own). */
    private static Optional<RolloutView> view(Map<String, String> hash) {
        if (!hash.containsKey("spec") || !hash.containsKey("progress")) {
            return Optional.empty();
        }
        return Optional.of(RolloutView.of(Json.readStored(hash.get("spec"), RolloutSpec.class),
                                          Json.readStored(hash.get("progress"), RolloutProgress.class)));
    }
}
