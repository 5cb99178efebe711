package dev.drover.workflows;

import dev.drover.core.model.Candidate;
import dev.drover.core.model.CandidateStatus;
import dev.drover.core.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.core.run.RunStatus;
import dev.drover.core.run.StepEvent;
import dev.drover.core.run.StepState;
import dev.drover.core.run.StepStatus;
import dev.drover.core.state.RedisState;
import io.temporal.failure.ApplicationFailure;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The run's side effects, on Redis and through the step publisher. Each is safe to repeat. */
public final class RunActivitiesImpl implements RunActivities {
    private final RedisState state;
    private final StepPublisher publisher;
    private final String callbackBaseUrl;
    private final Clock clock;

    /**
     * @param callbackBaseUrl where migrators reach the callback function, e.g. {@code http://drover-callback.drover.svc}
     */
    public RunActivitiesImpl(RedisState state, StepPublisher publisher, String callbackBaseUrl, Clock clock) {
        this.state = state;
        this.publisher = publisher;
        this.callbackBaseUrl = callbackBaseUrl.endsWith("/") ? callbackBaseUrl.substring(0, callbackBaseUrl.length() - 1)
                                                             : callbackBaseUrl;
        this.clock = clock;
    }

    @Override
    public void dispatch(RunPlan plan, int stepIndex, int dispatch) {
        RunRecord run = run(plan);
        Step step = plan.steps().get(stepIndex);
        Instant now = clock.instant();
        // A retry keeps what the migrator reported before (a pull request link is still worth seeing).
        Map<String, String> reported = state.runs().stepState(plan.migrationId(), plan.candidateId(), step.name())
                .map(StepState::metadata).orElse(Map.of());
        StepState dispatched = new StepState(step.name(), StepStatus.DISPATCHED, dispatch, reported, "", now, now, null);
        if (!state.runs().recordStep(run, dispatched, Optional.of(CandidateStatus.RUNNING))) {
            return; // the run no longer owns the candidate (cancelled meanwhile): publish nothing
        }
        Candidate candidate = state.candidates().find(plan.migrationId(), plan.candidateId())
                .orElseThrow(() -> ApplicationFailure.newFailure("candidate '" + plan.candidateId() + "' is gone", "candidate_gone"));
        // Inputs are read at each dispatch, so an operator's edit applies from the next dispatch or retry.
        Map<String, String> inputs = state.runs().inputs(plan.migrationId(), plan.candidateId());
        StepEvent event = new StepEvent(plan.runId(), plan.attempt(), dispatch, plan.migrationId(),
                                        new StepEvent.StepRef(step.name(), step.type(), step.config()),
                                        StepEvent.CandidateRef.of(candidate, inputs),
                                        inputs,
                                        new StepEvent.Callback(callbackBaseUrl + "/event/" + plan.runId(), run.token()));
        publisher.publish(event, step.migratorApp());
    }

    @Override
    public void record(RunPlan plan, String stepName, int dispatch, StepStatus status, Map<String, String> metadata,
                       String message) {
        RunRecord run = run(plan);
        StepState previous = state.runs().stepState(plan.migrationId(), plan.candidateId(), stepName)
                .orElse(StepState.notStarted(stepName));
        Map<String, String> merged = new HashMap<>(previous.metadata());
        merged.putAll(metadata);
        Instant now = clock.instant();
        boolean ended = status.done() || status == StepStatus.FAILED;
        StepState next = new StepState(stepName, status, dispatch, merged, message.isEmpty() ? previous.message() : message,
                                       previous.startedAt() == null ? now : previous.startedAt(), now, ended ? now : null);
        Optional<CandidateStatus> candidate = status == StepStatus.FAILED ? Optional.of(CandidateStatus.FAILED) : Optional.empty();
        state.runs().recordStep(run, next, candidate);
    }

    @Override
    public void complete(RunPlan plan) {
        state.runs().finish(run(plan), RunStatus.COMPLETED);
    }

    @Override
    public void cancel(RunPlan plan) {
        RunRecord run = run(plan);
        Instant now = clock.instant();
        state.runs().stepStates(plan.migrationId(), plan.candidateId()).values().stream()
                .filter(step -> step.status().inProgress() || step.status() == StepStatus.FAILED)
                .forEach(step -> state.runs().recordStep(run, new StepState(step.name(), StepStatus.CANCELLED, step.dispatches(),
                                                                            step.metadata(), "cancelled by an operator",
                                                                            step.startedAt(), now, now), Optional.empty()));
        state.runs().finish(run, RunStatus.CANCELLED);
    }

    private RunRecord run(RunPlan plan) {
        return state.runs().find(plan.runId())
                .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("run '" + plan.runId() + "' has no record", "run_gone"));
    }
}
