package dev.drover.workflows.rollout;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Migration;
import dev.drover.core.rollout.RolloutProgress;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.core.rollout.RolloutStore;
import dev.drover.core.rollout.Selector;
import dev.drover.core.run.RunRecord;
import dev.drover.contract.run.RunStatus;
import dev.drover.core.state.RedisState;
import dev.drover.workflows.RunStarter;
import dev.drover.workflows.RunsUnavailable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The rollout's side effects on Redis and Temporal; each is safe to repeat. */
public final class RolloutActivitiesImpl implements RolloutActivities {
    private final RedisState state;
    private final Selection selection;
    private final RunStarter starter;
    private final RolloutStore store;

    public RolloutActivitiesImpl(RedisState state, RunStarter starter) {
        this.state = state;
        this.selection = new Selection(state.candidates());
        this.starter = starter;
        this.store = new RolloutStore(state.redis(), state.keys());
    }

    @Override
    public long count(String migrationId, Selector selector) {
        return selection.count(migrationId, selector);
    }

    @Override
    public Selection.Page page(String migrationId, Selector selector, Selection.Cursor cursor, int limit) {
        return selection.next(migrationId, selector, cursor, limit);
    }

    @Override
    public List<StartResult> start(RolloutSpec spec, List<StartRequest> starts) {
        List<StartResult> results = new ArrayList<>();
        Optional<Migration> migration = state.migrations().definition(spec.migrationId());
        RunStarter.Audit audit = new RunStarter.Audit(spec.createdBy(), "rollout:" + spec.rolloutId(),
                                                      Map.of("rolloutId", spec.rolloutId()));
        for (StartRequest start : starts) {
            Optional<Candidate> candidate = migration.flatMap(m -> state.candidates().find(spec.migrationId(), start.candidateId()));
            if (candidate.isEmpty()) {
                results.add(new StartResult(start.candidateId(), start.runId(), StartResult.SKIPPED, "gone"));
                continue;
            }
            try {
                results.add(switch (starter.start(migration.get(), candidate.get(), start.runId(), spec.inputs(), spec.rolloutId(), audit)) {
                    case RunStarter.Outcome.Started s -> new StartResult(start.candidateId(), s.runId(), StartResult.STARTED, "");
                    case RunStarter.Outcome.Busy busy -> new StartResult(start.candidateId(), start.runId(), StartResult.SKIPPED,
                                                                         busy.status().wire());
                    case RunStarter.Outcome.Missing m -> new StartResult(start.candidateId(), start.runId(), StartResult.SKIPPED, "gone");
                    case RunStarter.Outcome.MissingInputs m -> new StartResult(start.candidateId(), start.runId(), StartResult.SKIPPED,
                                                                               "missing inputs " + String.join(", ", m.names()));
                });
            } catch (RunsUnavailable e) {
                results.add(new StartResult(start.candidateId(), start.runId(), StartResult.UNAVAILABLE, e.getMessage()));
            }
        }
        return results;
    }

    @Override
    public List<RunEnd> ended(String migrationId, Map<String, String> inFlight) {
        List<RunEnd> ended = new ArrayList<>();
        inFlight.forEach((candidateId, runId) -> {
            Optional<RunRecord> run = state.runs().find(runId);
            if (run.isEmpty() || run.get().status() == RunStatus.CANCELLED) {
                ended.add(new RunEnd(candidateId, runId, RunEnd.CANCELLED));
            } else if (run.get().status() == RunStatus.COMPLETED) {
                ended.add(new RunEnd(candidateId, runId, RunEnd.SUCCEEDED));
            } else if (state.candidates().find(migrationId, candidateId).map(Candidate::status).orElse(null) == CandidateStatus.FAILED
                    && state.runs().currentRunId(migrationId, candidateId).filter(runId::equals).isPresent()) {
                ended.add(new RunEnd(candidateId, runId, RunEnd.FAILED));
            }
        });
        return ended;
    }

    @Override
    public void save(RolloutSpec spec, RolloutProgress progress) {
        store.save(spec, progress);
    }
}
