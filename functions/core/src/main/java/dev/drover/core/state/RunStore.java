package dev.drover.core.state;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepState;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs in Redis: which run owns a candidate, each run's record, the candidate's step states and inputs.
 * Every write that a stale run could make is guarded in its script by "is this still the candidate's
 * current run", so an old attempt can never overwrite a newer one. Every script that changes a candidate's status,
 * run or step publishes the change on the migration's event channel ({@link Keys#events}) in the same script.
 */
public final class RunStore {
    private static final TypeReference<List<Step>> STEPS = new TypeReference<>() { };

    private final UnifiedJedis redis;
    private final Keys keys;
    private final Clock clock;
    private final LuaScript claim;
    private final LuaScript recordStep;
    private final LuaScript finish;

    public RunStore(UnifiedJedis redis, Keys keys, Clock clock) {
        this(redis, keys, clock, LuaScript.RESOURCES);
    }

    RunStore(UnifiedJedis redis, Keys keys, Clock clock, LuaScript.Source scripts) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.claim = scripts.load("claim-run.lua");
        this.recordStep = scripts.load("record-step.lua");
        this.finish = scripts.load("finish-run.lua");
    }

    /** What a claim found. */
    public sealed interface Claim {
        /** The candidate is now running under the new run. */
        record Claimed(int attempt) implements Claim {
        }

        /** The candidate is not startable: it is running, failed (a run waits on it) or completed. */
        record Busy(CandidateStatus status, String runId) implements Claim {
        }

        record Missing() implements Claim {
        }
    }

    /** Claims a not-started candidate for a new run with the given frozen steps; only the token's hash is kept. */
    public Claim claim(String migrationId, String candidateId, String runId, String tokenHash, List<Step> steps) {
        return claim(migrationId, candidateId, runId, tokenHash, steps, "");
    }

    /**
     * Claims, and appends {@code historyEntry} to the history outbox in the same script when claimed.
     *
     * @param historyEntry an outbox entry (text the history writer decodes), or '' for none
     */
    public Claim claim(String migrationId, String candidateId, String runId, String tokenHash, List<Step> steps,
                       String historyEntry) {
        return claim(migrationId, candidateId, runId, tokenHash, steps, historyEntry, false);
    }

    /**
     * As above; with {@code rerun}, a completed candidate is claimed too (an operator re-applies the migration: a new
     * attempt, its steps from the start), where it would otherwise be busy.
     */
    public Claim claim(String migrationId, String candidateId, String runId, String tokenHash, List<Step> steps,
                       String historyEntry, boolean rerun) {
        List<String> args = new ArrayList<>();
        args.add(candidateId);
        args.add(runId);
        args.add(migrationId);
        args.add(tokenHash);
        args.add(clock.instant().toString());
        args.add(Json.string(steps));
        args.add(historyEntry);
        args.add(keys.events(migrationId));
        args.add(rerun ? "1" : "0");
        for (Step step : steps) {
            args.add(step.name());
            args.add(Json.string(StepState.notStarted(step.name())));
        }
        @SuppressWarnings("unchecked")
        List<Object> reply = (List<Object>) claim.run(redis, List.of(keys.migration(migrationId), keys.run(runId),
                                                                          keys.historyOutbox()), args);
        return switch ((String) reply.getFirst()) {
            case "claimed" -> new Claim.Claimed(((Long) reply.get(1)).intValue());
            case "busy" -> new Claim.Busy(CandidateStatus.fromWire((String) reply.get(1)), (String) reply.get(2));
            default -> new Claim.Missing();
        };
    }

    /**
     * Writes a step's state and, when given, the candidate's new status, if the run still owns the candidate.
     *
     * @return false when the run no longer owns the candidate (nothing was written)
     */
    public boolean recordStep(RunRecord run, StepState state, Optional<CandidateStatus> candidateStatus) {
        return recordStep(run, state, candidateStatus, "");
    }

    /** Writes a step's state; when it was written, appends {@code historyEntry} ('' for none) in the same script. */
    public boolean recordStep(RunRecord run, StepState state, Optional<CandidateStatus> candidateStatus, String historyEntry) {
        Object written = recordStep.run(redis, List.of(keys.migration(run.migrationId()), keys.historyOutbox()),
                                         List.of(run.candidateId(), run.runId(), state.name(), Json.string(state),
                                                 candidateStatus.map(CandidateStatus::wire).orElse(""),
                                                 clock.instant().toString(), historyEntry,
                                                 keys.events(run.migrationId()), run.migrationId()));
        return Long.valueOf(1).equals(written);
    }

    /**
     * Ends a run. Completed runs leave the candidate completed; cancelled runs leave it not started.
     *
     * @return false when the run had already ended (nothing was written)
     */
    public boolean finish(RunRecord run, RunStatus status) {
        return finish(run, status, "");
    }

    /**
     * Ends a run; when its record ends here (even if the candidate has moved on to a newer run), appends
     * {@code historyEntry} ('' for none) to the history outbox in the same script.
     *
     * @return false when the run had already ended or no longer owns the candidate
     */
    public boolean finish(RunRecord run, RunStatus status, String historyEntry) {
        CandidateStatus candidate = status == RunStatus.COMPLETED ? CandidateStatus.COMPLETED : CandidateStatus.NOT_STARTED;
        Object written = finish.run(redis, List.of(keys.migration(run.migrationId()), keys.run(run.runId()),
                                                   keys.historyOutbox()),
                                    List.of(run.candidateId(), run.runId(), status.wire(), candidate.wire(),
                                            clock.instant().toString(), historyEntry,
                                            keys.events(run.migrationId()), run.migrationId()));
        return Long.valueOf(1).equals(written);
    }

    public Optional<RunRecord> find(String runId) {
        Map<String, String> hash = redis.hgetAll(keys.run(runId));
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RunRecord(runId, hash.get("migrationId"), hash.get("candidateId"),
                                         Integer.parseInt(hash.get("attempt")), RunStatus.fromWire(hash.get("status")),
                                         tokenHash(hash), StoredInstant.parse(hash.get("startedAt")),
                                         Optional.ofNullable(hash.get("finishedAt")).map(StoredInstant::parse).orElse(null)));
    }

    /** Runs claimed before tokens were kept hashed stored the token itself: hash it on read. */
    private static String tokenHash(Map<String, String> hash) {
        String stored = hash.get("tokenHash");
        return stored != null || hash.get("token") == null ? stored : dev.drover.core.signing.CallbackTokens.hash(hash.get("token"));
    }

    /**
     * Marks every step of the run that is under way or failed {@code cancelled}, with {@code message}: what ending a run
     * early does to its steps, whether an operator cancelled it or its workflow is gone. Guarded like any step write:
     * nothing is written once the run no longer owns the candidate.
     */
    public void cancelOpenSteps(RunRecord run, String message, Instant now) {
        stepStates(run.migrationId(), run.candidateId()).values().stream()
                .filter(step -> step.status().inProgress() || step.status() == dev.drover.contract.run.StepStatus.FAILED)
                .forEach(step -> recordStep(run, new StepState(step.name(), dev.drover.contract.run.StepStatus.CANCELLED, step.dispatches(),
                                                               step.metadata(), message, step.startedAt(), now, now),
                                            Optional.empty()));
    }

    /** The steps a run was started with, in order (frozen at start). */
    public List<Step> steps(String runId) {
        String steps = redis.hget(keys.run(runId), "steps");
        return steps == null ? List.of() : Json.readStored(steps, STEPS);
    }

    /** The id of the candidate's current (or last) run, if it was ever started. */
    public Optional<String> currentRunId(String migrationId, String candidateId) {
        return Optional.ofNullable(redis.hget(keys.candidate(migrationId, candidateId), "run"));
    }

    /** The step states of the candidate's current (or last) run, by step name. */
    public Map<String, StepState> stepStates(String migrationId, String candidateId) {
        Map<String, StepState> states = new HashMap<>();
        redis.hgetAll(keys.candidateSteps(migrationId, candidateId))
                .forEach((name, json) -> states.put(name, Json.readStored(json, StepState.class)));
        return states;
    }

    public Optional<StepState> stepState(String migrationId, String candidateId, String stepName) {
        return Optional.ofNullable(redis.hget(keys.candidateSteps(migrationId, candidateId), stepName))
                .map(json -> Json.readStored(json, StepState.class));
    }

    public Map<String, String> inputs(String migrationId, String candidateId) {
        return redis.hgetAll(keys.candidateInputs(migrationId, candidateId));
    }

    /** Sets the given inputs (others keep their values); they apply from the next dispatch or retry. */
    public void setInputs(String migrationId, String candidateId, Map<String, String> inputs) {
        if (!inputs.isEmpty()) {
            redis.hset(keys.candidateInputs(migrationId, candidateId), inputs);
        }
    }

    /**
     * Puts back the inputs a start set before its run failed to begin: each of {@code keys} to its value in
     * {@code before}, or removed when it had none.
     */
    public void restoreInputs(String migrationId, String candidateId, Map<String, String> before, java.util.Set<String> keys) {
        String hash = this.keys.candidateInputs(migrationId, candidateId);
        try (var tx = redis.multi()) {
            for (String key : keys) {
                if (before.containsKey(key)) {
                    tx.hset(hash, key, before.get(key));
                } else {
                    tx.hdel(hash, key);
                }
            }
            tx.exec();
        }
    }

    /** Sets the inputs and appends their audit entry to the history outbox in one MULTI/EXEC. */
    public void setInputs(String migrationId, String candidateId, Map<String, String> inputs, String historyEntry) {
        try (var tx = redis.multi()) {
            if (!inputs.isEmpty()) {
                tx.hset(keys.candidateInputs(migrationId, candidateId), inputs);
            }
            tx.xadd(keys.historyOutbox(), StreamEntryID.NEW_ENTRY, Map.of("e", historyEntry));
            tx.exec();
        }
    }
}
