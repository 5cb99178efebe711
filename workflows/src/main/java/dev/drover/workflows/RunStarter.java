package dev.drover.workflows;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.state.RedisState;
import dev.drover.core.state.RunStore;
import dev.drover.core.history.EventKind;
import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.core.history.OperatorAction;
import dev.drover.core.history.OutboxEntry;
import io.temporal.client.WorkflowExecutionAlreadyStarted;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Starting one run, the one way both an operator's {@code POST .../start} and a rollout start it: the
 * candidate is claimed (its start goes to the history outbox with the claim), the inputs saved, the
 * workflow started, the start audited. When Temporal does not answer, the candidate is given back.
 */
public final class RunStarter {
    /** What a start came to. */
    public sealed interface Outcome {
        record Started(String runId, int attempt, List<String> steps) implements Outcome {
        }

        /** The candidate is running, waits on a failed step, or is completed: claim-run refused it. */
        record Busy(CandidateStatus status, String runId) implements Outcome {
        }

        record Missing() implements Outcome {
        }

        /** Required inputs without a value (saved and given together). */
        record MissingInputs(List<String> names) implements Outcome {
        }
    }

    /** Who asked for the start, for the audit log: a person's request, or a rollout on its creator's behalf. */
    public record Audit(String actor, String source, Map<String, String> detail) {
    }

    private final RedisState state;
    private final RunClient runs;
    private final HistoryRecorder history;
    private final CallbackTokens callbackTokens;
    private final Optional<Duration> stepDeadline;

    public RunStarter(RedisState state, RunClient runs, HistoryRecorder history, CallbackTokens callbackTokens) {
        this(state, runs, history, callbackTokens, Optional.empty());
    }

    /** @param stepDeadline the deadline of steps whose migration sets none ({@link StepDeadlines}) */
    public RunStarter(RedisState state, RunClient runs, HistoryRecorder history, CallbackTokens callbackTokens,
                      Optional<Duration> stepDeadline) {
        this.state = state;
        this.runs = runs;
        this.history = history;
        this.callbackTokens = callbackTokens;
        this.stepDeadline = stepDeadline;
    }

    /**
     * Starts a run of {@code candidate} under {@code runId}. Safe to repeat with the same run id (a rollout's
     * activity retried after its claim): a candidate already claimed by that run id is started if Temporal has
     * no workflow for it yet, and answered as started.
     *
     * @param given     inputs to set (declared by the migration: the caller checked), merged over the saved ones
     * @param rolloutId the rollout that starts it, or null; the run tells it when it ends
     * @throws RunsUnavailable when Temporal did not answer (the candidate is given back, its attempt kept, cancelled)
     */
    public Outcome start(Migration migration, Candidate candidate, String runId, Map<String, String> given,
                         String rolloutId, Audit audit) {
        return start(migration, candidate, runId, given, rolloutId, audit, false);
    }

    /** As above; with {@code rerun}, a completed candidate runs again (a new attempt), where it would be busy. */
    public Outcome start(Migration migration, Candidate candidate, String runId, Map<String, String> given,
                         String rolloutId, Audit audit, boolean rerun) {
        String migrationId = migration.id();
        Map<String, String> saved = state.runs().inputs(migrationId, candidate.id());
        Map<String, String> inputs = new HashMap<>(saved);
        inputs.putAll(given);
        List<String> missing = missingInputs(migration, inputs);
        if (!missing.isEmpty()) {
            return new Outcome.MissingInputs(missing);
        }
        List<Step> steps = StepDeadlines.withDefault(candidate.steps().isEmpty() ? migration.steps() : candidate.steps(),
                                                     stepDeadline);
        Instant now = Instant.now();
        // The run's start is appended to the history outbox by the claim itself (the script fills in the attempt).
        RunStore.Claim claim = state.runs().claim(migrationId, candidate.id(), runId,
                                                  CallbackTokens.hash(callbackTokens.token(runId)), steps,
                                                  OutboxEntry.encode(HistoryEvent.runStarted(runId, migrationId, candidate.id(), 0, now)),
                                                  rerun);
        int attempt;
        switch (claim) {
            case RunStore.Claim.Claimed claimed -> attempt = claimed.attempt();
            case RunStore.Claim.Busy busy -> {
                Optional<RunRecord> ours = runId.equals(busy.runId()) ? state.runs().find(runId) : Optional.empty();
                if (ours.isEmpty() || ours.get().status() != RunStatus.RUNNING) {
                    return new Outcome.Busy(busy.status(), busy.runId());
                }
                // Claimed by this very start before (a retried activity): make sure its workflow runs.
                attempt = ours.get().attempt();
                try {
                    runs.start(new RunPlan(runId, migrationId, candidate.id(), attempt, steps, rolloutId));
                } catch (WorkflowExecutionAlreadyStarted alreadyStarted) {
                    // it does
                }
                return new Outcome.Started(runId, attempt, steps.stream().map(Step::name).toList());
            }
            case RunStore.Claim.Missing missing1 -> {
                return new Outcome.Missing();
            }
        }
        state.runs().setInputs(migrationId, candidate.id(), given);
        try {
            runs.start(new RunPlan(runId, migrationId, candidate.id(), attempt, steps, rolloutId));
        } catch (RunsUnavailable e) {
            // The run never began: give the candidate back so it can be started once Temporal answers, with the inputs
            // it had (they were set first so that the first dispatch reads them). Its start is in the history already,
            // so its end goes there too (history would count it active forever otherwise).
            state.runs().restoreInputs(migrationId, candidate.id(), saved, given.keySet());
            RunRecord run = state.runs().find(runId).orElseThrow();
            Instant at = Instant.now();
            state.runs().finish(run, RunStatus.CANCELLED, OutboxEntry.encode(HistoryEvent.runEnded(
                    EventKind.RUN_CANCELLED, runId, migrationId, candidate.id(), attempt, at, Duration.between(now, at))));
            throw e;
        }
        Map<String, String> detail = new HashMap<>(given);
        detail.putAll(audit.detail());
        history.record(new OperatorAction(now, audit.actor(), "start", migrationId, candidate.id(), runId, audit.source(), detail));
        return new Outcome.Started(runId, attempt, steps.stream().map(Step::name).toList());
    }

    private static List<String> missingInputs(Migration migration, Map<String, String> inputs) {
        TreeSet<String> missing = new TreeSet<>();
        for (Input input : migration.requiredInputs()) {
            String value = inputs.get(input.name());
            if (value == null || value.isBlank()) {
                missing.add(input.name());
            }
        }
        return List.copyOf(missing);
    }
}
