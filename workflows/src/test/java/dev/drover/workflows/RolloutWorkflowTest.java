package dev.drover.workflows;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.rollout.FailureBudget;
import dev.drover.workflows.rollout.RolloutClient;
import dev.drover.core.rollout.RolloutCounts;
import dev.drover.core.rollout.RolloutProgress;
import dev.drover.workflows.rollout.RolloutRefusal;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.workflows.rollout.RolloutState;
import dev.drover.core.rollout.RolloutStore;
import dev.drover.core.rollout.RolloutView;
import dev.drover.workflows.rollout.RolloutWorkflow;
import dev.drover.core.rollout.Selector;
import dev.drover.core.rollout.Wave;
import io.temporal.api.enums.v1.EventType;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.drover.contract.run.CallbackStatus.FAILED;
import static dev.drover.contract.run.CallbackStatus.SUCCEEDED;
import static dev.drover.workflows.RunHarness.callback;
import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rollouts on Temporal's time-skipping test environment, with the real rollout and run workflows and their activities
 * on Redis: what an operator sees of a rollout (its record in Redis) and which runs it starts (the step events).
 */
class RolloutWorkflowTest {
    private final RunHarness harness = new RunHarness();
    private final RolloutClient rollouts = new RolloutClient(harness.runs);
    private final RolloutStore store = new RolloutStore(harness.state.redis(), harness.state.keys());

    @AfterEach
    void close() {
        harness.close();
    }

    /** A migration of one step with these candidates (ids in the order the rollout meets them). */
    private String migration(String id, List<Input> requiredInputs, String... candidates) {
        harness.state.migrations().announce(new Migration(id, "Test", "", List.of(), List.of(step("bump", Map.of())), requiredInputs),
                                            "test-migrator");
        List<DiscoveredCandidate> discovered = new ArrayList<>();
        for (String candidate : candidates) {
            discovered.add(new DiscoveredCandidate(candidate, "app", Map.of("team", "t"), List.of(), List.of()));
        }
        harness.state.candidates().merge(id, discovered);
        return id;
    }

    private RolloutSpec start(String rolloutId, String migrationId, int concurrency, Integer rate, List<Wave> waves,
                              FailureBudget budget) {
        RolloutSpec spec = new RolloutSpec(rolloutId, migrationId, null, concurrency, rate, waves, budget, Map.of(), "ann",
                                           Instant.now().toString());
        RolloutState state = RolloutState.start(spec, spec.createdAt());
        store.create(spec, state.progress());
        rollouts.start(spec, state);
        return spec;
    }

    private RolloutView view(RolloutSpec spec) {
        return store.find(spec.migrationId(), spec.rolloutId()).orElseThrow();
    }

    /** Waits until the rollout's saved record satisfies {@code condition}. */
    private RolloutView awaitView(RolloutSpec spec, Predicate<RolloutView> condition, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        RolloutView view = view(spec);
        while (!condition.test(view)) {
            assertTrue(System.nanoTime() < until, "the rollout never became " + what + "; it is " + view);
            Thread.sleep(20);
            view = view(spec);
        }
        return view;
    }

    private boolean awaitEnd(RolloutSpec spec) {
        return harness.runs.awaitEnd(spec.rolloutId(), Duration.ofSeconds(15));
    }

    private Set<String> candidatesOf(List<StepEvent> events) {
        Set<String> ids = new TreeSet<>();
        events.forEach(e -> ids.add(e.candidate().id()));
        return ids;
    }

    private List<StepEvent> nextEvents(int n) throws InterruptedException {
        List<StepEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(harness.nextEvent());
        }
        return events;
    }

    /** The test server's clock, which skips with {@code env.sleep} and otherwise runs in real time. */
    private long clock() {
        return harness.env.currentTimeMillis();
    }

    /** Skips the test server's clock to {@code at}, which must be ahead of it (the worker's own delays move it too). */
    private void sleepUntil(long at) {
        long now = clock();
        assertTrue(now < at, "the clock is already " + (now - at) + " ms past the moment to check; the worker was too slow");
        harness.env.sleep(Duration.ofMillis(at - now));
    }

    /**
     * Asserts that a start seen now is no later than {@code due} allows: the clock when an event arrives bounds when its
     * run started, with a few seconds for the dispatch on a loaded machine (a wait in real time is not a bound: the
     * clock runs on while a test waits).
     */
    private void assertSeenBy(long due, String what) {
        long late = clock() - due;
        assertTrue(late < 6_000, what + ": seen " + late + " ms after it was due");
    }

    private void answer(StepEvent event, dev.drover.contract.run.CallbackStatus status) {
        harness.runs.callback(event.runId(), callback(event, status, Map.of(), ""));
    }

    @Test
    void aRolloutKeepsToItsConcurrencyAndCompletesWithItsRunsCounted() throws Exception {
        String m = migration("r-concurrency", List.of(), "a", "b", "c", "d");
        RolloutSpec spec = start("rollout-1", m, 2, null, List.of(), null);
        List<StepEvent> first = nextEvents(2);
        assertEquals(Set.of("a", "b"), candidatesOf(first), "the selection is walked in id order");
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "no third run while two are in flight");
        RolloutView running = awaitView(spec, v -> v.counts().started() == 2, "two started");
        assertEquals(RolloutProgress.RUNNING, running.status());
        assertEquals(4L, running.counts().selected());
        assertEquals(2, running.counts().running());

        answer(first.get(0), SUCCEEDED);
        StepEvent third = harness.nextEvent();
        assertEquals("c", third.candidate().id(), "a slot freed by a run that ended starts the next candidate");
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "one slot freed, one run started: d waits for the next");
        answer(first.get(1), FAILED);
        StepEvent fourth = harness.nextEvent();
        assertEquals("d", fourth.candidate().id());
        answer(third, SUCCEEDED);
        answer(fourth, SUCCEEDED);

        assertTrue(awaitEnd(spec));
        RolloutView done = view(spec);
        assertEquals(RolloutProgress.COMPLETED, done.status());
        assertEquals(new RolloutCounts(4L, 4, 0, 0, 3, 1, 0), done.counts());
        assertEquals(CandidateStatus.FAILED, harness.state.candidates().find(m, first.get(1).candidate().id()).orElseThrow().status(),
                     "the rollout leaves a failed run to the operator");
    }

    /**
     * A run tells its rollout from a local activity and ends in the workflow task that completes its last step; it used
     * to signal the rollout itself and wait one more workflow task for the signal's delivery. A run recorded that way
     * (commit 07b305d, this scenario: a rollout of one candidate, one step succeeded) still replays.
     */
    @Test
    void aRunTellsItsRolloutWithoutWaitingForADeliveryAndRunsThatSignalledReplay() throws Exception {
        String m = migration("r-told", List.of(), "a");
        RolloutSpec spec = start("rollout-told", m, 1, null, List.of(), null);
        StepEvent a = harness.nextEvent();
        // Answered once the run waits for it, as the recording was: a callback that arrives before the dispatch's
        // completion is handled in the same workflow task, and the count below would not compare.
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (RunReplayTest.count(harness.env.getWorkflowClient().fetchHistory(a.runId()), EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) < 2) {
            assertTrue(System.nanoTime() < until, "the run never waited for its callback");
            Thread.sleep(20);
        }
        answer(a, SUCCEEDED);
        assertTrue(awaitEnd(spec));
        assertEquals(new RolloutCounts(1L, 1, 0, 0, 1, 0, 0), view(spec).counts(), "the rollout was told");
        // told while the run's last workflow task was still open: the run ends right after
        assertTrue(harness.runs.awaitEnd(a.runId(), Duration.ofSeconds(10)), "the run ended");

        WorkflowExecutionHistory now = harness.env.getWorkflowClient().fetchHistory(a.runId());
        WorkflowReplayer.replayWorkflowExecution(now, CandidateRunWorkflow.class);
        WorkflowExecutionHistory before = WorkflowExecutionHistory.fromJson(RunReplayTest.recorded("rollout-run-signalled.json"));
        WorkflowReplayer.replayWorkflowExecution(before, CandidateRunWorkflow.class);
        assertEquals(1, RunReplayTest.count(before, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED),
                     "the recording signalled the rollout (a sanity check)");
        assertEquals(0, RunReplayTest.count(now, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED));
        assertEquals(RunReplayTest.count(before, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) - 1,
                     RunReplayTest.count(now, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED), "one workflow task fewer");
    }

    @Test
    void aRolloutLongerThanOneWorkflowRunContinuesAsNewWithItsCountsAndFinishes() throws Exception {
        // Past STARTS_PER_RUN starts the rollout continues as a new run (its history stays bounded); what it carries over
        // (counts, the cursor, the runs in flight) must let it finish the selection, each candidate started once.
        int size = RolloutWorkflow.STARTS_PER_RUN + 5;
        String m = migration("r-long", List.of(), ids("c", size));
        harness.onPublish = (event, client) -> client.callback(event.runId(), callback(event, SUCCEEDED, Map.of(), ""));
        RolloutSpec spec = start("rollout-long", m, 50, null, List.of(), null);
        assertTrue(harness.runs.awaitEnd(spec.rolloutId(), Duration.ofMinutes(2)), "the rollout never ended");
        assertEquals(RolloutProgress.COMPLETED, view(spec).status());
        assertEquals(new RolloutCounts((long) size, size, 0, 0, size, 0, 0), view(spec).counts());
        List<StepEvent> events = new ArrayList<>(harness.published);
        assertEquals(size, events.size(), "one run per candidate");
        assertEquals(size, candidatesOf(events).size(), "no candidate started twice");
        var first = harness.env.getWorkflowClient().fetchHistory(spec.rolloutId()).getEvents().get(0);
        assertTrue(!first.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId().isEmpty(),
                   "the last run of the rollout continued an earlier one");
    }

    @Test
    void runsThatEndWhileTheRolloutSavesBeforeContinuingAsNewAreCountedAndTheirSlotsRefilledAtOnce() throws Exception {
        // With the selection's first STARTS_PER_RUN candidates started, every slot taken, the rollout saves and continues
        // as new. Runs that end during that save tell the rollout while its code waits for the save: their ends were
        // queued and the continued run did not carry them, so it waited for its reconcile (30 s) to learn of them,
        // every slot taken by a run that had ended (a rollout of 10,000 stood still twice that way, RolloutBench).
        int size = RolloutWorkflow.STARTS_PER_RUN + 5;
        String m = migration("r-end-at-continue", List.of(), ids("c", size));
        java.util.concurrent.CountDownLatch saving = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        harness.beforeRolloutSave = () -> {
            String last = String.format("c%04d", RolloutWorkflow.STARTS_PER_RUN - 1);
            if (saving.getCount() > 0 && harness.state.runs().currentRunId(m, last).isPresent()) {
                saving.countDown(); // the save of the run that started them all: hold it open
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RolloutSpec spec = start("rollout-end-at-continue", m, RolloutWorkflow.STARTS_PER_RUN, null, List.of(), null);
        assertTrue(saving.await(30, TimeUnit.SECONDS), "the rollout saves with all its slots taken");
        List<StepEvent> first = nextEvents(5);
        first.forEach(e -> answer(e, SUCCEEDED));
        long told = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (RunReplayTest.count(harness.env.getWorkflowClient().fetchHistory(spec.rolloutId()),
                                   EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) < first.size()) {
            assertTrue(System.nanoTime() < told, "the ended runs never told the rollout");
            Thread.sleep(20);
        }
        long released = clock();
        release.countDown();
        String firstOfTheRest = String.format("c%04d", RolloutWorkflow.STARTS_PER_RUN);
        Set<String> rest = new TreeSet<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (rest.size() < 5 && System.nanoTime() < until) {
            StepEvent e = harness.published.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.candidate().id().compareTo(firstOfTheRest) >= 0) {
                rest.add(e.candidate().id());
            }
        }
        assertEquals(5, rest.size(), "the five freed slots start the rest of the selection: " + rest);
        assertTrue(clock() - released < RolloutWorkflow.RECONCILE.toMillis(), "started before a reconcile, "
                + (clock() - released) + " ms after the save");
        assertEquals(5L, awaitView(spec, v -> v.counts().succeeded() == 5, "five runs succeeded").counts().succeeded());
    }

    @Test
    void aRunThatEndedWithoutTellingTheRolloutIsFoundByItsReconciliation() throws Exception {
        // Terminated in Temporal (an operator's tool, a lost worker): the run's workflow never signals the rollout, and
        // the run reconciler ends it in Redis. The rollout checks its runs in flight every RECONCILE and moves on.
        String m = migration("r-reconcile", List.of(), "a", "b");
        RolloutSpec spec = start("rollout-reconcile", m, 1, null, List.of(), null);
        StepEvent a = harness.nextEvent();
        assertEquals("a", a.candidate().id());
        harness.env.getWorkflowClient().newUntypedWorkflowStub(a.runId()).terminate("lost");
        assertEquals(1, new RunReconciler(harness.state, run -> run.runId().equals(a.runId()), Duration.ZERO,
                                          java.time.Clock.systemUTC()).reconcile());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "no signal came: nothing moves yet");
        harness.env.sleep(Duration.ofSeconds(31));
        StepEvent b = harness.nextEvent();
        assertEquals("b", b.candidate().id(), "the freed slot starts the next candidate");
        answer(b, SUCCEEDED);
        assertTrue(awaitEnd(spec));
        assertEquals(new RolloutCounts(2L, 2, 0, 0, 1, 0, 1), view(spec).counts(), "the lost run counted cancelled");
    }

    @Test
    void startsTemporalDidNotAnswerAreTriedAgainAfterABackoffAndNoneIsLost() throws Exception {
        String m = migration("r-unavailable", List.of(), "a", "b", "c");
        harness.unavailableStarts.set(1);
        long began = clock();
        RolloutSpec spec = start("rollout-unavailable", m, 2, null, List.of(), null);
        assertNull(harness.published.poll(500, TimeUnit.MILLISECONDS), "Temporal did not answer: nothing started, no retry at once");
        harness.env.sleep(Duration.ofSeconds(11));
        List<StepEvent> first = nextEvents(2);
        assertTrue(clock() - began >= 10_000, "tried again after the backoff, not before");
        assertEquals(Set.of("a", "b"), candidatesOf(first), "the same candidates, first");
        answer(first.get(0), SUCCEEDED);
        answer(first.get(1), SUCCEEDED);
        StepEvent c = harness.nextEvent();
        assertEquals("c", c.candidate().id());
        answer(c, SUCCEEDED);
        assertTrue(awaitEnd(spec));
        assertEquals(new RolloutCounts(3L, 3, 0, 0, 3, 0, 0), view(spec).counts(), "each started once, none skipped");
    }

    @Test
    void candidatesAlreadyRunningOrMissingAnInputAreSkipped() throws Exception {
        String m = migration("r-skip", List.of(), "a", "b");
        // "a" is started by hand before the rollout: the rollout must not start it again.
        String runId = "run-by-hand";
        harness.state.runs().claim(m, "a", runId, dev.drover.core.signing.CallbackTokens.hash(RunHarness.TOKENS.token(runId)),
                                   List.of(step("bump", Map.of())));
        RolloutSpec spec = start("rollout-skip", m, 5, null, List.of(), null);
        StepEvent b = harness.nextEvent();
        assertEquals("b", b.candidate().id());
        answer(b, SUCCEEDED);
        assertTrue(awaitEnd(spec));
        assertEquals(new RolloutCounts(2L, 1, 1, 0, 1, 0, 0), view(spec).counts());

        String withInput = migration("r-inputs", List.of(new Input("target-version", "Target version", "")), "c");
        RolloutSpec needsInput = start("rollout-inputs", withInput, 5, null, List.of(), null);
        assertTrue(awaitEnd(needsInput));
        assertEquals(new RolloutCounts(1L, 0, 1, 0, 0, 0, 0), view(needsInput).counts());
        assertTrue(harness.published.isEmpty(), "a candidate missing a required input is not started");
    }

    @Test
    void aSpentFailureBudgetPausesTheRolloutUntilAnOperatorResumesIt() throws Exception {
        String m = migration("r-budget", List.of(), "a", "b", "c");
        RolloutSpec spec = start("rollout-budget", m, 1, null, List.of(), new FailureBudget(1, null));
        answer(harness.nextEvent(), FAILED);
        RolloutView paused = awaitView(spec, v -> RolloutProgress.PAUSED.equals(v.status()), "paused");
        assertEquals("failure budget spent: 1 of 1 runs started since the rollout began failed (budget: 1 failures)",
                     paused.pausedReason());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a paused rollout starts nothing");

        RolloutRefusal notRunning = assertThrows(RolloutRefusal.class, () -> rollouts.act(spec.rolloutId(), "pause", "bob"));
        assertEquals(RolloutRefusal.NOT_RUNNING, notRunning.code());
        assertEquals(RolloutProgress.RUNNING, rollouts.act(spec.rolloutId(), "resume", "bob"));
        StepEvent b = harness.nextEvent();
        assertEquals("b", b.candidate().id());
        RolloutView resumed = awaitView(spec, v -> RolloutProgress.RUNNING.equals(v.status()), "running");
        assertNull(resumed.pausedReason());
        answer(b, SUCCEEDED);
        answer(harness.nextEvent(), FAILED);
        RolloutView again = awaitView(spec, v -> RolloutProgress.PAUSED.equals(v.status()), "paused again");
        assertEquals("failure budget spent: 1 of 2 runs started since the rollout was resumed failed (budget: 1 failures)",
                     again.pausedReason(), "the budget counts again from the resume");
    }

    /**
     * A step can fail without a migrator's callback: its deadline passes, or its deadline does not parse (it fails
     * without being dispatched). The run then waits for a retry and does not end: the run's signal tells the rollout at
     * once, well before the rollout's own reconciliation (every 30 s) would find the failure.
     */
    @Test
    void aStepFailedByItsDeadlineSpendsTheFailureBudget() throws Exception {
        harness.state.migrations().announce(new Migration("r-deadline", "Test", "", List.of(),
                                                          List.of(step("wait-merge", Map.of("deadline", "PT5S"))), List.of()), "test-migrator");
        harness.state.candidates().merge("r-deadline", List.of(new DiscoveredCandidate("a", "app", Map.of(), List.of(), List.of()),
                                                                new DiscoveredCandidate("b", "app", Map.of(), List.of(), List.of())));
        RolloutSpec spec = start("rollout-deadline", "r-deadline", 1, null, List.of(), new FailureBudget(1, null));
        assertEquals("a", harness.nextEvent().candidate().id());
        harness.env.sleep(Duration.ofSeconds(6)); // past the deadline, far from the rollout's reconciliation
        RolloutView paused = awaitView(spec, v -> RolloutProgress.PAUSED.equals(v.status()), "paused by a passed deadline");
        assertEquals("failure budget spent: 1 of 1 runs started since the rollout began failed (budget: 1 failures)",
                     paused.pausedReason());

        harness.state.migrations().announce(new Migration("r-malformed", "Test", "", List.of(),
                                                          List.of(step("wait-merge", Map.of("deadline", "soon"))), List.of()), "test-migrator");
        harness.state.candidates().merge("r-malformed", List.of(new DiscoveredCandidate("c", "app", Map.of(), List.of(), List.of())));
        RolloutSpec malformed = start("rollout-malformed", "r-malformed", 1, null, List.of(), new FailureBudget(1, null));
        RolloutView pausedToo = awaitView(malformed, v -> RolloutProgress.PAUSED.equals(v.status()), "paused by a malformed deadline");
        assertEquals("failure budget spent: 1 of 1 runs started since the rollout began failed (budget: 1 failures)",
                     pausedToo.pausedReason());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a step with a malformed deadline is never dispatched");
    }

    @Test
    void aPercentBudgetPausesWhenTheShareOfFailuresReachesIt() throws Exception {
        String m = migration("r-percent", List.of(), "a", "b", "c", "d", "e", "f");
        RolloutSpec spec = start("rollout-percent", m, 1, null, List.of(), new FailureBudget(null, 50));
        answer(harness.nextEvent(), SUCCEEDED);
        answer(harness.nextEvent(), SUCCEEDED);
        answer(harness.nextEvent(), FAILED); // 1 of 3: under half
        StepEvent d = harness.nextEvent();
        assertEquals("d", d.candidate().id(), "one failure in three runs leaves a 50% budget unspent");
        answer(d, FAILED); // 2 of 4: half
        RolloutView paused = awaitView(spec, v -> RolloutProgress.PAUSED.equals(v.status()), "paused");
        assertEquals("failure budget spent: 2 of 4 runs started since the rollout began failed (budget: 50%)", paused.pausedReason());
        assertEquals(new RolloutCounts(6L, 4, 0, 0, 2, 2, 0), paused.counts());

        // After a resume the share counts the runs started since: 1 failure in 2 is half again.
        assertEquals(RolloutProgress.RUNNING, rollouts.act(spec.rolloutId(), "resume", "bob"));
        answer(harness.nextEvent(), SUCCEEDED);
        answer(harness.nextEvent(), FAILED);
        RolloutView again = awaitView(spec, v -> RolloutProgress.PAUSED.equals(v.status()) && v.counts().failed() == 3, "paused again");
        assertEquals("failure budget spent: 1 of 2 runs started since the rollout was resumed failed (budget: 50%)",
                     again.pausedReason());
    }

    @Test
    void aWaveWaitsForAPromotionAndTheRestFollowsTogether() throws Exception {
        String m = migration("r-waves", List.of(), "a", "b", "c");
        RolloutSpec spec = start("rollout-waves", m, 5, null, List.of(new Wave(1, Wave.PROMOTE)), null);
        StepEvent a = harness.nextEvent();
        assertEquals("a", a.candidate().id());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "the first wave is one run");
        RolloutRefusal early = assertThrows(RolloutRefusal.class, () -> rollouts.act(spec.rolloutId(), "promote", "ann"));
        assertEquals(RolloutRefusal.NOTHING_TO_PROMOTE, early.code());
        assertEquals("no wave waits to be promoted (the rollout is running, wave 0 has not finished)", early.getMessage());

        answer(a, SUCCEEDED);
        RolloutView waiting = awaitView(spec, v -> Wave.PROMOTE.equals(v.wave().waiting()), "waiting for a promotion");
        assertEquals(0, waiting.wave().index());
        assertEquals(1, waiting.wave().size());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a wave waiting for its promotion starts nothing");
        // Past the rollout's own wake-ups (its reconciliation, every 30 s): a promotion has no timer to run out.
        harness.env.sleep(Duration.ofSeconds(61));
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a minute later the wave still waits for its promotion");
        assertEquals(Wave.PROMOTE, view(spec).wave().waiting());

        assertEquals(RolloutProgress.RUNNING, rollouts.act(spec.rolloutId(), "promote", "ann"), "the status the promotion leaves");
        assertEquals(Set.of("b", "c"), candidatesOf(nextEvents(2)), "after the last wave, the rest of the selection");
        RolloutView next = awaitView(spec, v -> v.wave().index() == 1 && v.counts().started() == 3, "in its second wave");
        assertNull(next.wave().waiting());
        assertNull(next.wave().size(), "after the last wave the size is the rest");
    }

    @Test
    void aWaveThatEndsWithAPageOfTheSelectionStillWaitsForItsPromotion() throws Exception {
        // The wave is exactly one page of ids: when it ends, the buffer is empty but the selection is not, so the
        // rollout must read the next page before deciding whether anything is left for a next wave.
        int size = RolloutWorkflow.PAGE + 3;
        String m = migration("r-page-wave", List.of(), ids("p", size));
        harness.onPublish = (event, client) -> client.callback(event.runId(), callback(event, SUCCEEDED, Map.of(), ""));
        RolloutSpec spec = start("rollout-page-wave", m, RolloutWorkflow.PAGE, null,
                                 List.of(new Wave(RolloutWorkflow.PAGE, Wave.PROMOTE)), null);
        RolloutView waiting = awaitView(spec, v -> Wave.PROMOTE.equals(v.wave().waiting()), "waiting for a promotion after one page");
        assertEquals(RolloutProgress.RUNNING, waiting.status());
        assertEquals(RolloutWorkflow.PAGE, waiting.counts().started(), "the first wave is the first page");
        assertEquals(RolloutWorkflow.PAGE, harness.published.size(), "one run per candidate of the first wave");
        harness.published.clear();
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a wave waiting for its promotion starts nothing");

        rollouts.act(spec.rolloutId(), "promote", "ann");
        RolloutView done = awaitView(spec, v -> RolloutProgress.COMPLETED.equals(v.status()), "completed after the promotion");
        assertEquals(size, done.counts().succeeded());
        List<StepEvent> rest = new ArrayList<>(harness.published);
        assertEquals(3, rest.size(), "one run each for the rest of the selection");
        assertEquals(Set.of("p0100", "p0101", "p0102"), candidatesOf(rest), "the promotion started the rest of the selection");
    }

    /** {@code size} candidate ids in id order: the prefix and four digits. */
    private static String[] ids(String prefix, int size) {
        String[] ids = new String[size];
        for (int i = 0; i < size; i++) {
            ids[i] = String.format("%s%04d", prefix, i);
        }
        return ids;
    }

    @Test
    void aTimedWaveStartsTheNextWaveWhenItsWaitIsOver() throws Exception {
        String m = migration("r-timed", List.of(), "a", "b");
        RolloutSpec spec = start("rollout-timed", m, 5, null, List.of(new Wave(1, "PT10M")), null);
        answer(harness.nextEvent(), SUCCEEDED);
        RolloutView waiting = awaitView(spec, v -> v.wave().waiting() != null, "waiting");
        Instant until = Instant.parse(waiting.wave().waiting());
        Instant updated = Instant.parse(waiting.updatedAt());
        assertEquals(Duration.ofMinutes(10), Duration.between(updated, until), "the wait is the wave's, from its end");
        sleepUntil(until.toEpochMilli() - 60_000);
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "not before the wait is over");
        sleepUntil(until.toEpochMilli() + 1_000);
        StepEvent b = harness.nextEvent();
        assertEquals("b", b.candidate().id());
        assertSeenBy(until.toEpochMilli(), "the next wave");
    }

    @Test
    void aRateStartsAtMostSoManyRunsAMinute() throws Exception {
        String m = migration("r-rate", List.of(), "a", "b");
        start("rollout-rate", m, 5, 1, List.of(), null);
        assertEquals("a", harness.nextEvent().candidate().id());
        long aSeen = clock();
        assertNull(harness.published.poll(500, TimeUnit.MILLISECONDS), "one a minute");
        harness.env.sleep(Duration.ofSeconds(61));
        assertEquals("b", harness.nextEvent().candidate().id());
        assertSeenBy(aSeen + 60_000, "one a minute: the next start");
    }

    @Test
    void aRateSpacesItsStartsByItsIntervalNoLater() throws Exception {
        String m = migration("r-rate-interval", List.of(), "a", "b", "c");
        long t0 = clock();
        start("rollout-rate-interval", m, 5, 2, List.of(), null);
        assertEquals("a", harness.nextEvent().candidate().id());
        long aSeen = clock(); // a started between t0 and aSeen: b is due 30 s after that
        sleepUntil(t0 + 27_000);
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "two a minute: not before 30 seconds");
        sleepUntil(aSeen + 31_000);
        assertEquals("b", harness.nextEvent().candidate().id());
        long bSeen = clock();
        assertSeenBy(aSeen + 30_000, "two a minute: the next start");
        // b started no earlier than t0 + 30 s: c is due 30 s after b, counted from b, not from a.
        sleepUntil(t0 + 57_000);
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "the interval counts from the last start");
        sleepUntil(bSeen + 31_000);
        assertEquals("c", harness.nextEvent().candidate().id());
        assertSeenBy(bSeen + 30_000, "two a minute: the start after");
    }

    @Test
    void aWaveStartsUpToItsSizeWithinTheConcurrencyAndNoMore() throws Exception {
        String m = migration("r-wave-size", List.of(), "a", "b", "c", "d");
        RolloutSpec spec = start("rollout-wave-size", m, 2, null, List.of(new Wave(3, Wave.PROMOTE)), null);
        List<StepEvent> first = nextEvents(2);
        assertEquals(Set.of("a", "b"), candidatesOf(first), "as many as the concurrency allows, at once");
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "no more than the concurrency");

        answer(first.get(0), SUCCEEDED);
        StepEvent c = harness.nextEvent();
        assertEquals("c", c.candidate().id(), "a freed slot goes to the wave's third run, without a promotion");
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "the wave is three runs");
        RolloutView inWave = awaitView(spec, v -> v.counts().started() == 3, "three runs started");
        assertEquals(0, inWave.wave().index());
        assertEquals(3, inWave.wave().size());
        assertNull(inWave.wave().waiting(), "a wave with runs in flight does not wait yet");

        answer(first.get(1), SUCCEEDED);
        answer(c, SUCCEEDED);
        RolloutView waiting = awaitView(spec, v -> Wave.PROMOTE.equals(v.wave().waiting()), "waiting for a promotion");
        assertEquals(new RolloutCounts(4L, 3, 0, 0, 3, 0, 0), waiting.counts());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "d waits for the promotion");
    }

    @Test
    void aCandidateSkippedByItsWaveLeavesTheWaveItsSize() throws Exception {
        String m = migration("r-wave-skip", List.of(), "a", "b", "c", "d");
        // "a" is started by hand before the rollout: skipped, it is no run of the wave, so the wave is b and c.
        String runId = "run-by-hand-wave";
        harness.state.runs().claim(m, "a", runId, dev.drover.core.signing.CallbackTokens.hash(RunHarness.TOKENS.token(runId)),
                                   List.of(step("bump", Map.of())));
        RolloutSpec spec = start("rollout-wave-skip", m, 5, null, List.of(new Wave(2, Wave.PROMOTE)), null);
        List<StepEvent> wave = nextEvents(2);
        assertEquals(Set.of("b", "c"), candidatesOf(wave));
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "the wave is two runs: d waits");
        RolloutView inWave = awaitView(spec, v -> v.counts().started() == 2 && v.counts().skipped() == 1, "b and c started, a skipped");
        assertEquals(2, inWave.wave().size());

        answer(wave.get(0), SUCCEEDED);
        answer(wave.get(1), SUCCEEDED);
        RolloutView waiting = awaitView(spec, v -> Wave.PROMOTE.equals(v.wave().waiting()), "waiting for a promotion");
        assertEquals(new RolloutCounts(4L, 2, 1, 0, 2, 0, 0), waiting.counts());
        assertTrue(harness.published.isEmpty(), "d waits for the promotion");
    }

    @Test
    void aPauseWhileTheRolloutSavesIsSavedToo() throws Exception {
        String m = migration("r-mid-save", List.of(), "a", "b");
        java.util.concurrent.CountDownLatch saving = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        harness.beforeRolloutSave = () -> {
            if (first.getAndSet(false)) { // hold the rollout's first save open
                saving.countDown();
                try {
                    release.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RolloutSpec spec = start("rollout-mid-save", m, 1, null, List.of(), null);
        assertTrue(saving.await(15, TimeUnit.SECONDS), "the rollout saves its first progress");
        assertEquals(RolloutProgress.PAUSED, rollouts.act(spec.rolloutId(), "pause", "bob"));
        release.countDown();
        RolloutView paused = awaitView(spec, v -> RolloutProgress.PAUSED.equals(v.status()), "paused");
        assertEquals("paused by bob", paused.pausedReason(), "what the console shows: the pause, though it came during a save");
    }

    @Test
    void anOperatorPausesResumesAndAbortsARollout() throws Exception {
        String m = migration("r-ops", List.of(), "a", "b", "c");
        RolloutSpec spec = start("rollout-ops", m, 1, null, List.of(), null);
        StepEvent a = harness.nextEvent();
        RolloutRefusal notPaused = assertThrows(RolloutRefusal.class, () -> rollouts.act(spec.rolloutId(), "resume", "bob"));
        assertEquals(RolloutRefusal.NOT_PAUSED, notPaused.code());

        assertEquals(RolloutProgress.PAUSED, rollouts.act(spec.rolloutId(), "pause", "bob"));
        RolloutView paused = awaitView(spec, v -> RolloutProgress.PAUSED.equals(v.status()), "paused");
        assertEquals("paused by bob", paused.pausedReason());
        answer(a, SUCCEEDED);
        awaitView(spec, v -> v.counts().succeeded() == 1, "counting the run that ended");
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a paused rollout starts nothing");

        rollouts.act(spec.rolloutId(), "resume", "bob");
        StepEvent b = harness.nextEvent();
        assertEquals("b", b.candidate().id());
        // A run cancelled by an operator is counted as cancelled, and frees its slot.
        harness.runs.cancel(b.runId());
        StepEvent c = harness.nextEvent();
        assertEquals("c", c.candidate().id());

        assertEquals(RolloutProgress.ABORTED, rollouts.act(spec.rolloutId(), "abort", "bob"));
        assertTrue(awaitEnd(spec));
        RolloutView aborted = view(spec);
        assertEquals(RolloutProgress.ABORTED, aborted.status());
        assertEquals(new RolloutCounts(3L, 3, 0, 1, 1, 0, 1), aborted.counts());
        assertEquals(dev.drover.contract.run.RunStatus.RUNNING, harness.state.runs().find(c.runId()).orElseThrow().status(),
                     "aborting a rollout leaves its runs in flight running");
        RolloutRefusal ended = assertThrows(RolloutRefusal.class, () -> rollouts.act(spec.rolloutId(), "abort", "bob"));
        assertEquals(RolloutRefusal.ENDED, ended.code());
        // The run left in flight still ends: the rollout it tells has ended, which is not an error to retry.
        answer(c, SUCCEEDED);
        assertTrue(harness.runs.awaitEnd(c.runId(), Duration.ofSeconds(10)), "the run ended although its rollout had");
        assertEquals(dev.drover.contract.run.RunStatus.COMPLETED, harness.state.runs().find(c.runId()).orElseThrow().status());
    }
}
