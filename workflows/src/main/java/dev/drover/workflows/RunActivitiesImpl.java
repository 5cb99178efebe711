package dev.drover.workflows;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Step;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.state.RedisState;
import dev.drover.core.history.EventKind;
import dev.drover.workflows.rollout.RolloutClient;
import dev.drover.workflows.rollout.RunEnd;
import io.temporal.failure.ApplicationFailure;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The run's side effects, on Redis and through the step publisher. Each is safe to repeat. Each state
 * change carries its history entry into its own script (the history outbox, ADR 0008).
 */
public final class RunActivitiesImpl implements RunActivities {
    /** The step metadata that says a manual step waits for an operator: what the console and the CLI show as "waiting for you". */
    public static final String WAITING_FOR = "waitingFor";
    public static final String OPERATOR = "operator";
    static final String WAITING_MESSAGE = "manual step: waiting for an operator to complete it (succeeded, merged or failed)";

    private final RedisState state;
    private final StepPublisher publisher;
    private final String callbackBaseUrl;
    private final Clock clock;
    private final CallbackTokens tokens;
    private final RolloutClient rollouts;

    /**
     * @param callbackBaseUrl where migrators reach the callback function, e.g. {@code http://drover-callback.drover.svc}
     * @param tokens          derives each run's callback token (Redis keeps only its hash)
     * @param rollouts        tells a rollout how its runs end
     */
    public RunActivitiesImpl(RedisState state, StepPublisher publisher, String callbackBaseUrl, Clock clock,
                             CallbackTokens tokens, RolloutClient rollouts) {
        this.state = state;
        this.publisher = publisher;
        this.callbackBaseUrl = callbackBaseUrl.endsWith("/") ? callbackBaseUrl.substring(0, callbackBaseUrl.length() - 1)
                                                             : callbackBaseUrl;
        this.clock = clock;
        this.tokens = tokens;
        this.rollouts = rollouts;
    }

    @Override
    public void dispatch(RunPlan plan, int stepIndex, int dispatch) {
        RunRecord run = run(plan);
        Step step = plan.steps().get(stepIndex);
        Instant now = clock.instant();
        // A retry keeps what the migrator reported before (a pull request link is still worth seeing).
        Map<String, String> reported = state.runs().stepState(plan.migrationId(), plan.candidateId(), step.name())
                .map(StepState::metadata).orElse(Map.of());
        String warning = announcedNothing(plan.migrationId(), step.migratorApp()) ? unservedWarning(step) : "";
        StepState dispatched = new StepState(step.name(), StepStatus.DISPATCHED, dispatch, reported, warning, now, now, null);
        // The dispatch is recorded with the state that says so, before publishing: if the publish fails, Temporal
        // retries this activity, the state is written again and the same event (same key) is persisted once.
        if (!state.runs().recordStep(run, dispatched, Optional.of(CandidateStatus.RUNNING),
                                     RunHistory.dispatched(plan, step.name(), dispatch, now))) {
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
                                        new StepEvent.CallbackAddress(callbackBaseUrl + "/event/" + plan.runId(), tokens.token(plan.runId())));
        publisher.publish(event, step.migratorApp());
    }

    /**
     * Whether {@code app} has announced no migration to this platform (it owns none): then no deployed migrator is known
     * to serve the step, and the event most likely reaches no one (an app id misspelt, a migrator not deployed). The
     * common case, the run's own migration's owner, costs one read.
     */
    private boolean announcedNothing(String migrationId, String app) {
        if (state.migrations().owner(migrationId).filter(app::equals).isPresent()) {
            return false;
        }
        return !state.migrations().anyOwnedBy(app);
    }

    private static String unservedWarning(Step step) {
        String deadline = step.config().get(Deadlines.CONFIG_KEY);
        String message = "dispatched to " + step.migratorApp() + ", which has announced no migration to this platform: "
                + "nothing may serve this step (is " + step.migratorApp() + " deployed, and is the step's migratorApp spelt right?); "
                + (deadline == null ? "it has no deadline: cancel the run if nothing answers" : "it fails after its deadline (" + deadline + ")");
        System.getLogger(RunActivitiesImpl.class.getName()).log(System.Logger.Level.WARNING, "step " + step.name() + " " + message);
        return message;
    }

    @Override
    public void awaitOperator(RunPlan plan, int stepIndex, int dispatch) {
        RunRecord run = run(plan);
        Step step = plan.steps().get(stepIndex);
        Instant now = clock.instant();
        Map<String, String> metadata = new HashMap<>(state.runs().stepState(plan.migrationId(), plan.candidateId(), step.name())
                                                             .map(StepState::metadata).orElse(Map.of()));
        metadata.put(WAITING_FOR, OPERATOR);
        StepState waiting = new StepState(step.name(), StepStatus.PENDING, dispatch, metadata, WAITING_MESSAGE, now, now, null);
        // Recorded as a dispatch (to a person): the step's duration and the history's counts run from here as for any step.
        state.runs().recordStep(run, waiting, Optional.of(CandidateStatus.RUNNING), RunHistory.dispatched(plan, step.name(), dispatch, now));
    }

    @Override
    public void record(RunPlan plan, String stepName, int dispatch, StepStatus status, Map<String, String> metadata,
                       String message) {
        RunRecord run = run(plan);
        StepState previous = state.runs().stepState(plan.migrationId(), plan.candidateId(), stepName)
                .orElse(StepState.notStarted(stepName));
        Map<String, String> merged = new HashMap<>(previous.metadata());
        merged.putAll(metadata);
        if (status != StepStatus.PENDING) {
            merged.remove(WAITING_FOR); // a manual step that is done (or failed) waits for no one
        }
        Instant now = clock.instant();
        boolean ended = status.done() || status == StepStatus.FAILED;
        StepState next = new StepState(stepName, status, dispatch, merged, message.isEmpty() ? previous.message() : message,
                                       previous.startedAt() == null ? now : previous.startedAt(), now, ended ? now : null);
        Optional<CandidateStatus> candidate = status == StepStatus.FAILED ? Optional.of(CandidateStatus.FAILED) : Optional.empty();
        // The dispatch began at the step's startedAt (each dispatch resets it): its duration runs from there. The
        // event carries the step's metadata as it now stands, so a failure still shows the pull request reported before it.
        state.runs().recordStep(run, next, candidate,
                                RunHistory.reported(plan, next, status, next.metadata(), message, previous.startedAt(), now));
    }

    @Override
    public void complete(RunPlan plan) {
        finish(plan, RunStatus.COMPLETED, EventKind.RUN_COMPLETED);
    }

    /** Ends the run; the finish script appends the end to the history when it ends the run's record (once). */
    private void finish(RunPlan plan, RunStatus status, EventKind kind) {
        RunRecord run = run(plan);
        state.runs().finish(run, status, RunHistory.ended(run, kind, clock.instant()));
    }

    @Override
    public void cancel(RunPlan plan) {
        RunRecord run = run(plan);
        Instant now = clock.instant();
        state.runs().cancelOpenSteps(run, "cancelled by an operator", now);
        finish(plan, RunStatus.CANCELLED, EventKind.RUN_CANCELLED);
    }

    @Override
    public void tellRollout(RunPlan plan, String outcome) {
        rollouts.tell(plan.rolloutId(), new RunEnd(plan.candidateId(), plan.runId(), outcome));
    }

    private RunRecord run(RunPlan plan) {
        return state.runs().find(plan.runId())
                .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("run '" + plan.runId() + "' has no record", "run_gone"));
    }
}
