package dev.drover.contract.run;

import dev.drover.contract.model.CandidateStatus;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Where a candidate's current (or last) run stands, in one line of a candidate list: the run, its attempt and
 * status, and its current step (the one under way or failed, else the last one that ran; null before the first
 * dispatch). What the console's candidate table and the CLI's listing show without one request per row.
 */
public record RunSummary(String runId, int attempt, RunStatus status, Step step) {

    /** The current step, as much of its {@link StepState} as a row shows; the change-request link is {@code metadata.changeUrl}. */
    public record Step(String name, StepStatus status, int dispatches, Map<String, String> metadata, String message,
                       Instant updatedAt) {
        static Step of(StepState state) {
            return new Step(state.name(), state.status(), state.dispatches(), state.metadata(), state.message(), state.updatedAt());
        }
    }

    /**
     * The summary from what the candidate's hashes hold: its current run id, its attempt counter (the claim that made
     * the run counted it, so it is the run's attempt), its status and its step states.
     *
     * <p>The run's status is read off the candidate's status instead of the run's own record, which lives under
     * another key (and another cluster slot): the run scripts keep them in step. While the candidate's run owns it,
     * running or failed means the run is running; finish-run leaves it completed only for a completed run and
     * not_started only for a cancelled one.
     *
     * @return empty when the candidate was never started
     */
    public static Optional<RunSummary> of(String runId, String attempts, CandidateStatus candidateStatus,
                                          Collection<StepState> steps) {
        if (runId == null || runId.isEmpty()) {
            return Optional.empty();
        }
        RunStatus status = switch (candidateStatus) {
            case RUNNING, FAILED -> RunStatus.RUNNING;
            case COMPLETED -> RunStatus.COMPLETED;
            case NOT_STARTED -> RunStatus.CANCELLED;
        };
        int attempt = attempts == null ? 1 : Integer.parseInt(attempts);
        return Optional.of(new RunSummary(runId, attempt, status, current(steps).map(Step::of).orElse(null)));
    }

    /** The step under way or failed (steps run one at a time), else the one that changed last; none before a dispatch. */
    static Optional<StepState> current(Collection<StepState> steps) {
        Comparator<StepState> latest = Comparator.comparing(StepState::updatedAt, Comparator.nullsFirst(Comparator.naturalOrder()));
        Optional<StepState> open = steps.stream()
                .filter(step -> step.status().inProgress() || step.status() == StepStatus.FAILED)
                .max(latest);
        if (open.isPresent()) {
            return open;
        }
        return steps.stream().filter(step -> step.status() != StepStatus.NOT_STARTED).max(latest);
    }
}
