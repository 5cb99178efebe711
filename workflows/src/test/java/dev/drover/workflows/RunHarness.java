package dev.drover.workflows;

import dev.drover.contract.run.Callback;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.state.RunStore;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;
import dev.drover.workflows.rollout.RolloutActivities;
import dev.drover.workflows.rollout.RolloutActivitiesImpl;
import dev.drover.core.rollout.RolloutProgress;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.workflows.rollout.RunEnd;
import dev.drover.workflows.rollout.Selection;
import dev.drover.core.rollout.Selector;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A time-skipping Temporal test environment running the real workflow and activities against the
 * machine's Redis (own key prefix); step events are captured instead of going through Dapr.
 */
final class RunHarness implements AutoCloseable {
    final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    final RedisState state = RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                                                "drover-test-" + UUID.randomUUID() + ":");
    /** The run's history, in a private in-memory H2 database. */
    final HistorySettings historySettings = HistorySettings.inMemory("run-harness-" + UUID.randomUUID());
    final History history = History.open(historySettings);
    /** Empties the history outbox the activities' scripts fill into {@link #history}; tests drain it when they read. */
    final dev.drover.workflows.outbox.HistoryOutboxWriter writer =
            new dev.drover.workflows.outbox.HistoryOutboxWriter(state.redis(), state.keys(), history, "harness");
    final RunActivitiesImpl activities;
    /** The rollouts' real activities (the worker runs them behind {@link HookedRollouts}). */
    final RolloutActivitiesImpl rollouts;
    final BlockingQueue<StepEvent> published = new LinkedBlockingQueue<>();
    final RunClient runs;
    /** Runs inside the dispatch activity, after the event is captured: lets a test answer "early". */
    volatile BiConsumer<StepEvent, RunClient> onPublish = (event, client) -> { };
    /** How many of the rollouts' next start activities find Temporal not answering (every start in them unavailable). */
    final java.util.concurrent.atomic.AtomicInteger unavailableStarts = new java.util.concurrent.atomic.AtomicInteger();
    /** Runs in the rollout's save activity before it saves (a test holds a save open with it). */
    volatile Runnable beforeRolloutSave = () -> { };
    /** How many of the next publications fail, as an unreachable sidecar would make them. */
    final java.util.concurrent.atomic.AtomicInteger failingPublications = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger publicationAttempts = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The activities' clock: the machine's, moved ahead by {@link #advance}, so a test can let a step or a run last
     * a known time (the run's start is stamped by the store on the machine's clock).
     */
    final java.util.concurrent.atomic.AtomicReference<Duration> ahead = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);
    final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(ahead.get());
        }
    };

    /** Derives callback tokens as the platform does: the store keeps their hashes, step events carry them. */
    static final CallbackTokens TOKENS = new CallbackTokens(SigningKeys.generate());

    RunHarness() {
        Worker worker = env.newWorker(RunClient.TASK_QUEUE);
        // Rollouts share the runs' task queue and worker, as RunWorker registers them.
        worker.registerWorkflowImplementationTypes(CandidateRunWorkflow.class, dev.drover.workflows.rollout.RolloutWorkflow.class);
        runs = new RunClient(env.getWorkflowClient());
        StepPublisher capture = (event, app) -> {
            publicationAttempts.incrementAndGet();
            if (failingPublications.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the sidecar is unreachable");
            }
            published.add(event);
            onPublish.accept(event, this.runs());
        };
        // With a trailing slash, as DROVER_CALLBACK_URL may be written: step events still name http://drover.test/event/RUN.
        activities = new RunActivitiesImpl(state, capture, "http://drover.test/", clock, TOKENS,
                                           new dev.drover.workflows.rollout.RolloutClient(runs));
        rollouts = new RolloutActivitiesImpl(state, new RunStarter(state, runs, new dev.drover.core.history.HistoryRecorder(
                new dev.drover.core.history.RedisOutbox(state.redis(), state.keys())), TOKENS));
        worker.registerActivitiesImplementations(activities, new HookedRollouts(rollouts, this));
        env.start();
    }

    /** Moves the activities' clock ahead by {@code by}. */
    void advance(Duration by) {
        ahead.updateAndGet(d -> d.plus(by));
    }

    private RunClient runs() {
        return runs;
    }

    static Step step(String name, Map<String, String> config) {
        return new Step(name, "", "test-migrator", name, config);
    }

    /** Announces a migration with these steps, discovers one candidate, claims it and starts its run. */
    RunPlan start(String candidateId, List<Step> steps) {
        String migrationId = "m-" + candidateId;
        state.migrations().announce(new Migration(migrationId, "Test", "", List.of(), steps, List.of()), "test-migrator");
        state.candidates().merge(migrationId, List.of(new DiscoveredCandidate(candidateId, "app", Map.of("team", "t"), List.of(), List.of())));
        String runId = "run-" + UUID.randomUUID();
        RunStore.Claim claim = state.runs().claim(migrationId, candidateId, runId, CallbackTokens.hash(TOKENS.token(runId)), steps);
        int attempt = ((RunStore.Claim.Claimed) claim).attempt();
        RunPlan plan = new RunPlan(runId, migrationId, candidateId, attempt, steps);
        runs.start(plan);
        return plan;
    }

    StepEvent nextEvent() throws InterruptedException {
        // Generous: on a loaded 2-CPU machine the first dispatch of a fresh worker took over 10 s (CI failed so).
        StepEvent event = published.poll(30, TimeUnit.SECONDS);
        assertNotNull(event, "no step event was published");
        return event;
    }

    static Callback callback(StepEvent event, dev.drover.contract.run.CallbackStatus status, Map<String, String> metadata,
                                 String message) {
        return Callback.of(event.step().name(), event.dispatch(), status, metadata, message);
    }

    boolean awaitEnd(RunPlan plan) {
        return runs.awaitEnd(plan.runId(), Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        env.close();
        history.close();
        state.deleteAllKeys();
        state.close();
    }

    /** The rollout activities, with {@link #beforeRolloutSave} run before each save and {@link #unavailableStarts}. */
    private record HookedRollouts(RolloutActivities real, RunHarness harness)
            implements RolloutActivities {
        @Override
        public long count(String migrationId, Selector selector) {
            return real.count(migrationId, selector);
        }

        @Override
        public Selection.Page page(String migrationId, Selector selector,
                                                                 Selection.Cursor cursor, int limit) {
            return real.page(migrationId, selector, cursor, limit);
        }

        @Override
        public List<RolloutActivities.StartResult> start(RolloutSpec spec, List<RolloutActivities.StartRequest> starts) {
            if (harness.unavailableStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                // What the real activity answers for each start when RunStarter finds Temporal not answering.
                return starts.stream().map(start -> new RolloutActivities.StartResult(start.candidateId(), start.runId(),
                        RolloutActivities.StartResult.UNAVAILABLE, "Temporal did not answer")).toList();
            }
            return real.start(spec, starts);
        }

        @Override
        public List<RunEnd> ended(String migrationId, Map<String, String> inFlight) {
            return real.ended(migrationId, inFlight);
        }

        @Override
        public void save(RolloutSpec spec, RolloutProgress progress) {
            harness.beforeRolloutSave.run();
            real.save(spec, progress);
        }
    }
}
