package dev.drover.core.state;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.RunSummary;
import dev.drover.contract.run.StepState;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Candidates in Redis, each in its own hash (plus a metadata hash), indexed by status and by
 * metadata key=value, so one candidate is read or written without touching the others.
 */
public final class CandidateStore {
    private static final TypeReference<List<FileGroup>> FILES = new TypeReference<>() { };
    private static final TypeReference<List<Step>> STEPS = new TypeReference<>() { };
    /** The most ids one page read looks at, so a sparse filter costs a bounded amount per call. */
    static final int SCAN_BUDGET = 5000;

    private final UnifiedJedis redis;
    private final Keys keys;
    private final Clock clock;
    private final LuaScript merge;
    private final LuaScript page;

    public CandidateStore(UnifiedJedis redis, Keys keys, Clock clock) {
        this(redis, keys, clock, LuaScript.RESOURCES);
    }

    CandidateStore(UnifiedJedis redis, Keys keys, Clock clock, LuaScript.Source scripts) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.merge = scripts.load("merge-candidates.lua");
        this.page = scripts.load("page-candidates.lua");
    }

    /**
     * Merges a discovery submission into a migration in one atomic step (see merge-candidates.lua).
     * Ids must be unique within the batch.
     *
     * @throws MigrationNotFound when the migration has not been announced
     */
    public MergeResult merge(String migrationId, List<DiscoveredCandidate> batch) {
        return merge(migrationId, batch, "");
    }

    /** Merges, and appends {@code historyEntry} ('' for none) with the counts to the history outbox in the same script. */
    public MergeResult merge(String migrationId, List<DiscoveredCandidate> batch, String historyEntry) {
        List<String> args = new ArrayList<>(4 + batch.size() * 8);
        args.add(clock.instant().toString());
        args.add(historyEntry);
        args.add(keys.events(migrationId));
        args.add(migrationId);
        for (DiscoveredCandidate candidate : batch) {
            args.add(candidate.id());
            args.add(candidate.kind());
            args.add(Json.string(candidate.files()));
            args.add(Json.string(candidate.steps()));
            args.add(Integer.toString(candidate.metadata().size()));
            new TreeMap<>(candidate.metadata()).forEach((key, value) -> {
                args.add(key);
                args.add(value);
                args.add(Keys.metadataIndexSuffix(key, value));
            });
        }
        @SuppressWarnings("unchecked")
        List<Long> counts = (List<Long>) merge.run(redis, List.of(keys.migration(migrationId), keys.historyOutbox()), args);
        if (counts.getFirst() < 0) {
            throw new MigrationNotFound(migrationId);
        }
        return new MergeResult(counts.get(0), counts.get(1), counts.get(2), counts.get(3));
    }

    public Optional<Candidate> find(String migrationId, String candidateId) {
        return read(migrationId, List.of(candidateId)).stream().findFirst();
    }

    /**
     * One page of a migration's candidates in id order, filtered by status, metadata and id prefix; the prefix bounds
     * the walk over the index (ZRANGEBYLEX), so it costs what the matching ids cost, not the migration's size.
     */
    public CandidatePage page(String migrationId, CandidateQuery query) {
        List<String> indexes = new ArrayList<>();
        indexes.add(query.status().map(s -> keys.status(migrationId, s)).orElse(keys.candidates(migrationId)));
        query.metadata().forEach((key, value) -> indexes.add(keys.metadataIndex(migrationId, key, value)));
        @SuppressWarnings("unchecked")
        List<Object> reply = (List<Object>) page.run(redis, indexes, List.of(query.afterId(),
                                                                              Integer.toString(query.limit()),
                                                                              Integer.toString(SCAN_BUDGET),
                                                                              query.idPrefix()));
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) reply.get(0);
        String next = (String) reply.get(1);
        return new CandidatePage(read(migrationId, ids), next.isEmpty() ? Optional.empty() : Optional.of(next));
    }

    private List<Candidate> read(String migrationId, List<String> ids) {
        List<Response<Map<String, String>>> hashes = new ArrayList<>(ids.size());
        List<Response<Map<String, String>>> metadata = new ArrayList<>(ids.size());
        List<Response<List<String>>> steps = new ArrayList<>(ids.size());
        // One round trip for the whole page, run summaries included: the step states are keyed by candidate, not by
        // run, so they are read beside the candidate without knowing its run id first.
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : ids) {
                hashes.add(pipeline.hgetAll(keys.candidate(migrationId, id)));
                metadata.add(pipeline.hgetAll(keys.candidateMetadata(migrationId, id)));
                steps.add(pipeline.hvals(keys.candidateSteps(migrationId, id)));
            }
            pipeline.sync();
        }
        List<Candidate> result = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> hash = hashes.get(i).get();
            if (hash.containsKey("status")) {
                CandidateStatus status = CandidateStatus.fromWire(hash.get("status"));
                List<StepState> states = steps.get(i).get().stream().map(json -> Json.readStored(json, StepState.class)).toList();
                result.add(new Candidate(ids.get(i),
                                         hash.get("kind"),
                                         new TreeMap<>(metadata.get(i).get()),
                                         Json.readStored(hash.get("files"), FILES),
                                         Json.readStored(hash.get("steps"), STEPS),
                                         status,
                                         StoredInstant.parse(hash.get("createdAt")),
                                         StoredInstant.parse(hash.get("updatedAt")),
                                         RunSummary.of(hash.get("run"), hash.get("attempts"), status, states).orElse(null)));
            }
        }
        return result;
    }
}
