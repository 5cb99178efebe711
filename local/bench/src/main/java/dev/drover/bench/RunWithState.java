package dev.drover.bench;

import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.core.state.RedisState;
import dev.drover.workflows.CandidateRunWorkflow;
import dev.drover.workflows.RunActivitiesImpl;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.RunStarter;
import dev.drover.workflows.StepDeadlines;
import dev.drover.core.history.RedisOutbox;
import dev.drover.workflows.rollout.RolloutClient;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * RunBench's {@code state} half: Drover's run workflow with its real activities ({@link RunActivitiesImpl}: the dispatch's
 * Redis reads and scripts, each state change with its history outbox entry) and runs started as the start function starts
 * them ({@link RunStarter}: the claim, the run's record, Temporal's start), but no hop: the step event is neither signed
 * nor published, and its callback goes straight to the run as an update, as {@link RunClient} sends it. No history writer
 * drains the outbox (it is deleted with the half's keys). Between the {@code shape} half and the {@code drover} half, it
 * splits what is outside Temporal into the state in Redis and the rest (the hops, signatures, stand-ins, migrator, the
 * history's database).
 */
final class RunWithState {
    private final RedisState state;
    private final RunStarter starter;
    private final Migration migration;

    private RunWithState(RedisState state, RunStarter starter, Migration migration) {
        this.state = state;
        this.starter = starter;
        this.migration = migration;
    }

    /**
     * Announces the bench migration as the no-op migrator does, submits {@code candidates} candidates and registers the
     * run workflow with its real activities on {@code worker}.
     */
    static RunWithState prepare(RedisState state, Worker worker, WorkflowClient client, ExecutorService callbacks, int steps,
                                int candidates) {
        Migration migration = new Migration(RunBench.MIGRATION, "Bench", "", List.of(), LocalBench.noopSteps(RunBench.APP, steps), List.of());
        state.migrations().announce(migration, RunBench.APP);
        List<DiscoveredCandidate> discovered = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            discovered.add(new DiscoveredCandidate(RunBench.candidateId(i), "bench", Map.of(), List.of(), List.of()));
        }
        for (int from = 0; from < discovered.size(); from += 1000) {
            state.candidates().merge(RunBench.MIGRATION, discovered.subList(from, Math.min(from + 1000, discovered.size())));
        }
        SigningKeys keys = SigningKeys.generate();
        CallbackTokens tokens = new CallbackTokens(keys);
        RunClient runs = new RunClient(client);
        worker.registerWorkflowImplementationTypes(CandidateRunWorkflow.class);
        // The step publisher answers the step itself; the callback address in the event is never called.
        worker.registerActivitiesImplementations(new RunActivitiesImpl(state, (event, app) -> {
            Callback callback = new Callback(event.step().name(), event.dispatch(), CallbackStatus.SUCCEEDED, Map.of(), "nothing to change",
                                             null, event.candidate().id());
            callbacks.submit(() -> runs.callback(event.runId(), callback));
        }, "http://127.0.0.1:1", Clock.systemUTC(), tokens, new RolloutClient(runs)));
        RunStarter starter = new RunStarter(state, runs, RedisOutbox.recorder(state.redis(), state.keys()), tokens,
                                            StepDeadlines.fromEnvironment(Map.of()));
        return new RunWithState(state, starter, migration);
    }

    /** Starts candidate {@code index} as {@code POST .../start} does after its checks. */
    void start(String runId, int index) {
        Candidate candidate = state.candidates().find(RunBench.MIGRATION, RunBench.candidateId(index)).orElseThrow();
        RunStarter.Outcome outcome = starter.start(migration, candidate, runId, Map.of(), null,
                                                   new RunStarter.Audit("bench", "bench", Map.of()));
        if (!(outcome instanceof RunStarter.Outcome.Started)) {
            throw new IllegalStateException("candidate " + candidate.id() + " did not start: " + outcome);
        }
    }
}
