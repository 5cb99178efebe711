package dev.drover.migrator;

import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The steps whose last result was {@code pending}, one per candidate: what a re-check executes again
 * when something happens (a change request merged, a discovery tick). In memory by default; in Redis
 * when the migrator scales to zero or runs replicas, so the process a webhook wakes knows them too.
 */
interface PendingSteps extends AutoCloseable {
    void remember(StepEvent event);

    /** Forgets the candidate's pending step if it is this one (a newer dispatch stays). */
    void forget(StepEvent event);

    Optional<StepEvent> find(String migrationId, String candidateId);

    List<StepEvent> all();

    @Override
    default void close() {
    }

    static String key(String migrationId, String candidateId) {
        return migrationId + "/" + candidateId;
    }

    static boolean same(StepEvent a, StepEvent b) {
        return a.runId().equals(b.runId()) && a.step().name().equals(b.step().name()) && a.dispatch() == b.dispatch();
    }

    static PendingSteps inMemory() {
        Map<String, StepEvent> pending = new ConcurrentHashMap<>();
        return new PendingSteps() {
            @Override
            public void remember(StepEvent event) {
                pending.put(key(event.migrationId(), event.candidate().id()), event);
            }

            @Override
            public void forget(StepEvent event) {
                pending.computeIfPresent(key(event.migrationId(), event.candidate().id()), (k, held) -> same(held, event) ? null : held);
            }

            @Override
            public Optional<StepEvent> find(String migrationId, String candidateId) {
                return Optional.ofNullable(pending.get(key(migrationId, candidateId)));
            }

            @Override
            public List<StepEvent> all() {
                return List.copyOf(pending.values());
            }
        };
    }

    /** One hash: field migration/candidate, value the step event's JSON. */
    /** Deletes the field only if it still holds this very event (the JSON is canonical: map keys are sorted). */
    String FORGET_IF_SAME = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0";

    static PendingSteps inRedis(URI redis, String hashKey) {
        RedisClient client = RedisClient.builder().fromURI(redis.toString()).build();
        return new PendingSteps() {
            @Override
            public void remember(StepEvent event) {
                client.hset(hashKey, key(event.migrationId(), event.candidate().id()), Json.string(event));
            }

            @Override
            public void forget(StepEvent event) {
                // Compare and delete in one step: a newer dispatch remembered meanwhile must stay.
                client.eval(FORGET_IF_SAME, List.of(hashKey), List.of(key(event.migrationId(), event.candidate().id()), Json.string(event)));
            }

            @Override
            public Optional<StepEvent> find(String migrationId, String candidateId) {
                return Optional.ofNullable(client.hget(hashKey, key(migrationId, candidateId)))
                        .map(json -> Json.readStored(json, StepEvent.class));
            }

            @Override
            public List<StepEvent> all() {
                return client.hgetAll(hashKey).values().stream().map(json -> Json.readStored(json, StepEvent.class)).toList();
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
