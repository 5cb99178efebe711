package dev.drover.workflows;

import dev.drover.contract.run.Callback;
import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.RunStatus;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.signing.CallbackTokens;
import dev.drover.contract.run.StepState;
import dev.drover.contract.run.StepStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.drover.contract.run.CallbackStatus.FAILED;
import static dev.drover.contract.run.CallbackStatus.MERGED;
import static dev.drover.contract.run.CallbackStatus.PENDING;
import static dev.drover.contract.run.CallbackStatus.SUCCEEDED;
import static dev.drover.workflows.RunHarness.callback;
import static dev.drover.workflows.RunHarness.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every path of a run, with Temporal's time-skipping test environment and the real activities on Redis. */
class CandidateRunWorkflowTest {
    private final RunHarness harness = new RunHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private Candidate candidate(RunPlan plan) {
        return harness.state.candidates().find(plan.migrationId(), plan.candidateId()).orElseThrow();
    }

    private StepState stepState(RunPlan plan, String step) {
        return harness.state.runs().stepState(plan.migrationId(), plan.candidateId(), step).orElseThrow();
    }

    private RunStatus runStatus(RunPlan plan) {
        return harness.state.runs().find(plan.runId()).orElseThrow().status();
    }

    private void awaitStepStatus(RunPlan plan, String step, StepStatus status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stepState(plan, step).status() != status) {
            assertTrue(System.nanoTime() < until, "step " + step + " never became " + status.wire()
                    + "; it is " + stepState(plan, step).status().wire());
            Thread.sleep(20);
        }
    }

    @Test
    void stepsRunInOrderAndTheCandidateCompletes() throws Exception {
        RunPlan plan = harness.start("success", List.of(step("bump", Map.of("targetVersion", "3.0.0")), step("verify", Map.of())));
        StepEvent first = harness.nextEvent();
        assertEquals("bump", first.step().name());
        assertEquals(1, first.dispatch());
        assertEquals(1, first.attempt());
        assertEquals("3.0.0", first.step().config().get("targetVersion"));
        assertEquals("http://drover.test/event/" + plan.runId(), first.callback().url());
        assertEquals(RunHarness.TOKENS.token(plan.runId()), first.callback().token());
        assertEquals(CallbackTokens.hash(first.callback().token()), harness.state.runs().find(plan.runId()).orElseThrow().tokenHash(),
                     "the store keeps the token's hash, never the token");
        assertEquals(CandidateStatus.RUNNING, candidate(plan).status());
        assertEquals(StepStatus.DISPATCHED, stepState(plan, "bump").status());
        assertEquals(StepStatus.NOT_STARTED, stepState(plan, "verify").status());

        assertTrue(harness.runs.callback(plan.runId(), callback(first, SUCCEEDED, Map.of(), "bumped")).applied());
        StepEvent second = harness.nextEvent();
        assertEquals("verify", second.step().name());
        harness.runs.callback(plan.runId(), callback(second, SUCCEEDED, Map.of(), ""));

        assertTrue(harness.awaitEnd(plan));
        assertEquals(CandidateStatus.COMPLETED, candidate(plan).status());
        assertEquals(RunStatus.COMPLETED, runStatus(plan));
        assertEquals(StepStatus.SUCCEEDED, stepState(plan, "bump").status());
        assertEquals("bumped", stepState(plan, "bump").message());
        assertEquals(StepStatus.SUCCEEDED, stepState(plan, "verify").status());
        assertEquals(1, harness.state.migrations().find(plan.migrationId()).orElseThrow().candidates()
                .byStatus().get(CandidateStatus.COMPLETED));
    }

    @Test
    void pendingKeepsWaitingAndRecordsMetadataUntilMerged() throws Exception {
        RunPlan plan = harness.start("pending", List.of(step("open-pr", Map.of())));
        StepEvent event = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(event, PENDING, Map.of("pullRequest", "https://git.example/pr/7"), "PR open"));
        awaitStepStatus(plan, "open-pr", StepStatus.PENDING);
        assertEquals("https://git.example/pr/7", stepState(plan, "open-pr").metadata().get("pullRequest"));
        assertEquals(CandidateStatus.RUNNING, candidate(plan).status());
        assertEquals(RunStatus.RUNNING, runStatus(plan), "pending must not end the run");
        assertEquals(StepStatus.PENDING, harness.runs.progress(plan.runId()).status());

        harness.runs.callback(plan.runId(), callback(event, MERGED, Map.of("mergedBy", "ann"), ""));
        assertTrue(harness.awaitEnd(plan));
        StepState merged = stepState(plan, "open-pr");
        assertEquals(StepStatus.MERGED, merged.status());
        assertEquals("https://git.example/pr/7", merged.metadata().get("pullRequest"), "pending metadata is kept");
        assertEquals("ann", merged.metadata().get("mergedBy"));
        assertEquals("PR open", merged.message(), "a report without a message keeps the last one");
        assertEquals(CandidateStatus.COMPLETED, candidate(plan).status());
    }

    @Test
    void aFailedStepWaitsForARetryWhichDispatchesItAgain() throws Exception {
        RunPlan plan = harness.start("retry", List.of(step("bump", Map.of())));
        StepEvent first = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(first, FAILED, Map.of("pullRequest", "https://git.example/pr/9"),
                                                     "values.yaml does not parse"));
        awaitStepStatus(plan, "bump", StepStatus.FAILED);
        assertEquals(CandidateStatus.FAILED, candidate(plan).status());
        assertEquals("values.yaml does not parse", stepState(plan, "bump").message());
        assertEquals(RunStatus.RUNNING, runStatus(plan), "a failed step keeps the run alive");

        RunProgress progress = harness.runs.retryStep(plan.runId());
        assertEquals(new RunProgress("bump", StepStatus.DISPATCHED, 2), progress, "the retry answers where the run now is");
        StepEvent second = harness.nextEvent();
        assertEquals(2, second.dispatch());
        assertEquals("bump", second.step().name());
        awaitStepStatus(plan, "bump", StepStatus.DISPATCHED);
        assertEquals(CandidateStatus.RUNNING, candidate(plan).status());
        assertEquals("https://git.example/pr/9", stepState(plan, "bump").metadata().get("pullRequest"),
                     "what the migrator reported before the retry stays visible");

        RunRefused stale = assertThrows(RunRefused.class,
                                        () -> harness.runs.callback(plan.runId(), callback(first, SUCCEEDED, Map.of(), "")));
        assertEquals(RefusalCodes.STALE_DISPATCH, stale.code());
        assertEquals("the callback answers dispatch 1 of step 'bump', but the step is at dispatch 2", stale.getMessage(),
                     "the refusal's text as the migrator is told it, without its code in front");

        harness.runs.callback(plan.runId(), callback(second, SUCCEEDED, Map.of(), ""));
        assertTrue(harness.awaitEnd(plan));
        assertEquals(CandidateStatus.COMPLETED, candidate(plan).status());
        assertEquals(2, stepState(plan, "bump").dispatches());
    }

    @Test
    void aDispatchThatCannotBePublishedIsRetriedUntilItIs() throws Exception {
        harness.failingPublications.set(3);
        RunPlan plan = harness.start("unpublished", List.of(step("bump", Map.of())));
        StepEvent event = harness.nextEvent();
        assertEquals(4, harness.publicationAttempts.get(), "three failures, then published");
        assertEquals(1, event.dispatch(), "the same dispatch, not a new one");
        harness.runs.callback(plan.runId(), callback(event, SUCCEEDED, Map.of(), ""));
        assertTrue(harness.awaitEnd(plan));
    }

    @Test
    void onlyAFailedStepCanBeRetried() throws Exception {
        RunPlan plan = harness.start("no-retry", List.of(step("bump", Map.of())));
        harness.nextEvent();
        RunRefused refused = assertThrows(RunRefused.class, () -> harness.runs.retryStep(plan.runId()));
        assertEquals(RefusalCodes.NO_FAILED_STEP, refused.code());
        assertTrue(harness.published.isEmpty(), "nothing was re-dispatched");
    }

    @Test
    void aStepForAnAppThatAnnouncedAnotherMigrationIsDispatchedWithoutAWarning() throws Exception {
        // topic-renamer owns a migration of its own: it is deployed, so it may well serve this migration's step too.
        harness.state.migrations().announce(new dev.drover.contract.model.Migration("m-topics", "Topics", "", List.of(),
                                                                                   List.of(step("rename", Map.of())), List.of()),
                                            "topic-renamer");
        RunPlan plan = harness.start("served", List.of(new Step("rename", "", "topic-renamer", "rename", Map.of())));
        harness.nextEvent();
        awaitStepStatus(plan, "rename", StepStatus.DISPATCHED);
        assertEquals("", stepState(plan, "rename").message(), "no warning for an app that has announced a migration");
    }

    @Test
    void anActivityOfARunWithNoRecordFailsForGoodInsteadOfBeingRetried() {
        RunPlan gone = new RunPlan("run-without-record", "m-gone", "c", 1, List.of(step("bump", Map.of())));
        io.temporal.failure.ApplicationFailure failure = assertThrows(io.temporal.failure.ApplicationFailure.class,
                                                                      () -> harness.activities.complete(gone));
        assertEquals("run_gone", failure.getType());
        assertTrue(failure.isNonRetryable(), "retrying cannot bring a record back");
        assertEquals("run 'run-without-record' has no record", failure.getOriginalMessage());
    }

    @Test
    void aStepForAnAppThatAnnouncedNothingSaysSoWhenDispatchedAndFailsAtItsDeadline() throws Exception {
        RunPlan plan = harness.start("unserved", List.of(new Step("rename", "", "topic-renamer", "rename", Map.of("deadline", "PT2H"))));
        harness.nextEvent();
        awaitStepStatus(plan, "rename", StepStatus.DISPATCHED);
        String message = stepState(plan, "rename").message();
        assertTrue(message.startsWith("dispatched to topic-renamer, which has announced no migration to this platform"), message);
        assertTrue(message.endsWith("it fails after its deadline (PT2H)"), message);
        harness.env.sleep(Duration.ofHours(3));
        awaitStepStatus(plan, "rename", StepStatus.FAILED);
        assertTrue(stepState(plan, "rename").message().contains("deadline of PT2H passed"), stepState(plan, "rename").message());
    }

    @Test
    void aStepForTheMigrationsOwnerIsDispatchedWithoutAWarning() throws Exception {
        RunPlan plan = harness.start("served", List.of(step("bump", Map.of())));
        harness.nextEvent();
        awaitStepStatus(plan, "bump", StepStatus.DISPATCHED);
        assertEquals("", stepState(plan, "bump").message());
    }

    @Test
    void aPassedDeadlineFailsTheStepWithAReason() throws Exception {
        RunPlan plan = harness.start("deadline", List.of(step("wait-merge", Map.of("deadline", "PT1H"))));
        StepEvent event = harness.nextEvent();
        harness.env.sleep(Duration.ofMinutes(59));
        assertEquals(StepStatus.DISPATCHED, stepState(plan, "wait-merge").status());
        harness.env.sleep(Duration.ofMinutes(2));
        awaitStepStatus(plan, "wait-merge", StepStatus.FAILED);
        assertTrue(stepState(plan, "wait-merge").message().contains("deadline of PT1H passed"), stepState(plan, "wait-merge").message());
        assertEquals(CandidateStatus.FAILED, candidate(plan).status());

        RunRefused late = assertThrows(RunRefused.class,
                                       () -> harness.runs.callback(plan.runId(), callback(event, SUCCEEDED, Map.of(), "")));
        assertEquals(RefusalCodes.STEP_NOT_IN_PROGRESS, late.code());

        harness.runs.retryStep(plan.runId());
        StepEvent again = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(again, MERGED, Map.of(), ""));
        assertTrue(harness.awaitEnd(plan));
    }

    @Test
    void aMalformedDeadlineFailsTheStepWithoutDispatchingIt() throws Exception {
        RunPlan plan = harness.start("bad-deadline", List.of(step("bump", Map.of("deadline", "two hours"))));
        awaitStepStatus(plan, "bump", StepStatus.FAILED);
        assertTrue(stepState(plan, "bump").message().contains("ISO-8601"));
        assertTrue(harness.published.isEmpty());
    }

    @Test
    void cancelEndsTheRunAndResetsTheCandidate() throws Exception {
        RunPlan plan = harness.start("cancel", List.of(step("bump", Map.of()), step("verify", Map.of())));
        harness.nextEvent();
        harness.runs.cancel(plan.runId());
        assertTrue(harness.awaitEnd(plan));
        assertEquals(CandidateStatus.NOT_STARTED, candidate(plan).status());
        assertEquals(RunStatus.CANCELLED, runStatus(plan));
        assertEquals(StepStatus.CANCELLED, stepState(plan, "bump").status());
        assertEquals(1, harness.state.migrations().find(plan.migrationId()).orElseThrow().candidates()
                .byStatus().get(CandidateStatus.NOT_STARTED));

        // The candidate can start again: a new attempt, and the old run's callbacks are refused.
        RunRefused ended = assertThrows(RunRefused.class, () -> harness.runs.retryStep(plan.runId()));
        assertEquals(RunRefused.RUN_ENDED, ended.code());
    }

    @Test
    void cancelWhileAStepIsFailedAlsoCleansUp() throws Exception {
        RunPlan plan = harness.start("cancel-failed", List.of(step("bump", Map.of())));
        StepEvent event = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(event, FAILED, Map.of(), "conflict"));
        awaitStepStatus(plan, "bump", StepStatus.FAILED);
        harness.runs.cancel(plan.runId());
        assertTrue(harness.awaitEnd(plan));
        assertEquals(CandidateStatus.NOT_STARTED, candidate(plan).status());
        assertEquals(0, harness.state.migrations().find(plan.migrationId()).orElseThrow().candidates()
                .byStatus().get(CandidateStatus.FAILED));
    }

    @Test
    void inputsEditedDuringARunApplyFromTheNextDispatch() throws Exception {
        RunPlan plan = harness.start("inputs", List.of(step("bump", Map.of())));
        harness.state.runs().setInputs(plan.migrationId(), plan.candidateId(), Map.of("target-version", "3.0.0"));
        StepEvent first = harness.nextEvent();
        harness.state.runs().setInputs(plan.migrationId(), plan.candidateId(), Map.of("target-version", "3.1.0"));
        harness.runs.callback(plan.runId(), callback(first, FAILED, Map.of(), "wrong version"));
        awaitStepStatus(plan, "bump", StepStatus.FAILED);
        harness.runs.retryStep(plan.runId());
        StepEvent second = harness.nextEvent();
        assertEquals("3.1.0", second.inputs().get("target-version"));
        assertEquals("3.1.0", second.candidate().metadata().get("target-version"), "inputs are applied over metadata");
        assertEquals("t", second.candidate().metadata().get("team"));
    }

    @Test
    void aCallbackArrivingBeforeTheDispatchActivityReturnsIsNotLost() throws Exception {
        harness.onPublish = (event, runs) -> runs.callback(event.runId(), callback(event, SUCCEEDED, Map.of(), "fast"));
        RunPlan plan = harness.start("early", List.of(step("bump", Map.of()), step("verify", Map.of())));
        assertTrue(harness.awaitEnd(plan));
        assertEquals(CandidateStatus.COMPLETED, candidate(plan).status());
        assertEquals("fast", stepState(plan, "verify").message());
        assertEquals(2, harness.published.size(), "each step was dispatched once");
    }

    @Test
    void duplicateCallbacksChangeNothingTheSecondTime() throws Exception {
        RunPlan plan = harness.start("duplicate", List.of(step("bump", Map.of()), step("verify", Map.of())));
        StepEvent first = harness.nextEvent();
        Callback done = callback(first, SUCCEEDED, Map.of("commit", "abc"), "");
        assertTrue(harness.runs.callback(plan.runId(), done).applied());
        StepEvent second = harness.nextEvent();
        CallbackOutcome again = harness.runs.callback(plan.runId(), done);
        assertFalse(again.applied());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a duplicate must not move the run on");
        assertEquals("verify", harness.runs.progress(plan.runId()).currentStep());
        harness.runs.callback(plan.runId(), callback(second, SUCCEEDED, Map.of(), ""));
        assertTrue(harness.awaitEnd(plan));
    }

    @Test
    void callbacksForAnotherStepOrAnUnknownStepAreRefused() throws Exception {
        RunPlan plan = harness.start("refused", List.of(step("bump", Map.of()), step("verify", Map.of())));
        StepEvent first = harness.nextEvent();
        RunRefused notCurrent = assertThrows(RunRefused.class, () -> harness.runs.callback(
                plan.runId(), Callback.of("verify", 1, SUCCEEDED, Map.of(), "")));
        assertEquals(RefusalCodes.NOT_CURRENT_STEP, notCurrent.code());
        RunRefused unknown = assertThrows(RunRefused.class, () -> harness.runs.callback(
                plan.runId(), Callback.of("deploy", 1, SUCCEEDED, Map.of(), "")));
        assertEquals(RefusalCodes.UNKNOWN_STEP, unknown.code());
        assertEquals(StepStatus.DISPATCHED, stepState(plan, "bump").status(), "refused callbacks change nothing");
        harness.runs.callback(plan.runId(), callback(first, SUCCEEDED, Map.of(), ""));
        assertEquals("verify", harness.nextEvent().step().name());
    }

    @Test
    void cancelLeavesStepsThatSucceededAsTheyWereAndCancelsOnlyTheOpenOne() throws Exception {
        RunPlan plan = harness.start("cancel-after-success", List.of(step("bump", Map.of()), step("verify", Map.of())));
        harness.runs.callback(plan.runId(), callback(harness.nextEvent(), SUCCEEDED, Map.of(), "bumped"));
        harness.nextEvent();
        StepState succeeded = stepState(plan, "bump");
        harness.advance(Duration.ofMinutes(5));
        harness.runs.cancel(plan.runId());
        assertTrue(harness.awaitEnd(plan));
        assertEquals(succeeded, stepState(plan, "bump"), "a step that succeeded stays succeeded, with its times and message");
        StepState cancelled = stepState(plan, "verify");
        assertEquals(StepStatus.CANCELLED, cancelled.status());
        assertEquals("cancelled by an operator", cancelled.message());
        assertTrue(cancelled.finishedAt().isAfter(succeeded.finishedAt().plus(Duration.ofMinutes(4))),
                   "the cancel is stamped when it happened: " + cancelled.finishedAt());
        assertEquals(cancelled.finishedAt(), cancelled.updatedAt());
    }

    @Test
    void aStepsTimesSayWhenItWasDispatchedLastReportedAndFinished() throws Exception {
        RunPlan plan = harness.start("times", List.of(step("bump", Map.of())));
        java.time.Instant before = java.time.Instant.now();
        StepEvent first = harness.nextEvent();
        awaitStepStatus(plan, "bump", StepStatus.DISPATCHED);
        StepState dispatched = stepState(plan, "bump");
        assertNull(dispatched.finishedAt(), "a dispatched step has not finished");
        assertEquals(dispatched.startedAt(), dispatched.updatedAt());
        assertTrue(!dispatched.startedAt().isBefore(before.minusSeconds(1)) && dispatched.startedAt().isBefore(before.plusSeconds(30)),
                   "dispatched at " + dispatched.startedAt() + ", the test began at " + before);

        harness.advance(Duration.ofMinutes(10));
        harness.runs.callback(plan.runId(), callback(first, PENDING, Map.of(), "PR open"));
        awaitStepStatus(plan, "bump", StepStatus.PENDING);
        StepState pending = stepState(plan, "bump");
        assertEquals(dispatched.startedAt(), pending.startedAt(), "a report keeps when the dispatch began");
        assertTrue(pending.updatedAt().isAfter(dispatched.updatedAt().plus(Duration.ofMinutes(9))), pending.toString());
        assertNull(pending.finishedAt(), "a pending step has not finished");

        harness.advance(Duration.ofMinutes(10));
        harness.runs.callback(plan.runId(), callback(first, FAILED, Map.of(), "conflict"));
        awaitStepStatus(plan, "bump", StepStatus.FAILED);
        StepState failed = stepState(plan, "bump");
        assertEquals(dispatched.startedAt(), failed.startedAt());
        assertTrue(failed.updatedAt().isAfter(pending.updatedAt().plus(Duration.ofMinutes(9))), failed.toString());
        assertEquals(failed.updatedAt(), failed.finishedAt(), "a failed step has finished, when it failed");

        harness.advance(Duration.ofMinutes(10));
        harness.runs.retryStep(plan.runId());
        StepEvent second = harness.nextEvent();
        awaitStepStatus(plan, "bump", StepStatus.DISPATCHED);
        StepState retried = stepState(plan, "bump");
        assertTrue(retried.startedAt().isAfter(failed.finishedAt().plus(Duration.ofMinutes(9))),
                   "a retry begins a new dispatch: " + retried);
        assertNull(retried.finishedAt(), "a retried step is open again");

        harness.runs.callback(plan.runId(), callback(second, SUCCEEDED, Map.of(), ""));
        assertTrue(harness.awaitEnd(plan));
        StepState done = stepState(plan, "bump");
        assertEquals(retried.startedAt(), done.startedAt());
        assertEquals(done.updatedAt(), done.finishedAt(), "a step that succeeded has finished");
    }

    @Test
    void aManualStepWaitsForAnOperatorAndRefusesTheMigrator() throws Exception {
        RunPlan plan = harness.start("manual", List.of(new Step("approve", "", "test-migrator", Step.MANUAL, Map.of()),
                                                       step("bump", Map.of())));
        awaitStepStatus(plan, "approve", StepStatus.PENDING);
        StepState waiting = stepState(plan, "approve");
        assertEquals(RunActivitiesImpl.OPERATOR, waiting.metadata().get(RunActivitiesImpl.WAITING_FOR));
        assertEquals(RunActivitiesImpl.WAITING_MESSAGE, waiting.message());
        assertEquals(1, waiting.dispatches());
        assertNull(waiting.finishedAt());
        assertEquals(CandidateStatus.RUNNING, candidate(plan).status());
        assertNull(harness.published.poll(300, TimeUnit.MILLISECONDS), "a manual step goes to no migrator");

        Callback approve = Callback.of("approve", 1, SUCCEEDED, Map.of("ticket", "CHG-1"), "approved");
        RunRefused migrator = assertThrows(RunRefused.class, () -> harness.runs.callback(plan.runId(), approve));
        assertEquals(RefusalCodes.MANUAL_STEP, migrator.code());

        assertTrue(harness.runs.callback(plan.runId(), approve, "ann").applied());
        StepEvent bump = harness.nextEvent();
        assertEquals("bump", bump.step().name());
        StepState approved = stepState(plan, "approve");
        assertEquals(StepStatus.SUCCEEDED, approved.status());
        assertEquals("CHG-1", approved.metadata().get("ticket"));
        assertNull(approved.metadata().get(RunActivitiesImpl.WAITING_FOR), "a manual step that is done waits for no one");
        assertEquals("approved", approved.message());
    }

    @Test
    void anOperatorMarksAFailedStepDoneButTheMigratorCannot() throws Exception {
        RunPlan plan = harness.start("by-hand", List.of(step("bump", Map.of()), step("verify", Map.of())));
        StepEvent first = harness.nextEvent();
        harness.runs.callback(plan.runId(), callback(first, FAILED, Map.of(), "conflict"));
        awaitStepStatus(plan, "bump", StepStatus.FAILED);

        RunRefused migrator = assertThrows(RunRefused.class, () -> harness.runs.callback(
                plan.runId(), callback(first, SUCCEEDED, Map.of(), "")));
        assertEquals(RefusalCodes.STEP_NOT_IN_PROGRESS, migrator.code());
        assertTrue(migrator.getMessage().contains("step 'bump' is failed, not waiting for its migrator"), migrator.getMessage());
        RunRefused failAgain = assertThrows(RunRefused.class, () -> harness.runs.callback(
                plan.runId(), callback(first, FAILED, Map.of(), "still"), "ann"));
        assertEquals(RefusalCodes.STEP_NOT_IN_PROGRESS, failAgain.code());
        assertTrue(failAgain.getMessage().contains("an operator completes a step in progress, or marks a failed one done"),
                   failAgain.getMessage());

        assertTrue(harness.runs.callback(plan.runId(), callback(first, MERGED, Map.of(), "merged by hand"), "ann").applied());
        assertEquals("verify", harness.nextEvent().step().name());
        assertEquals(StepStatus.MERGED, stepState(plan, "bump").status());
        assertEquals(CandidateStatus.RUNNING, candidate(plan).status());
    }

    @Test
    void refusalsNameTheCurrentStepAndTheDispatch() throws Exception {
        RunPlan plan = harness.start("refusal-messages", List.of(step("bump", Map.of()), step("verify", Map.of())));
        StepEvent first = harness.nextEvent();
        RunRefused notCurrent = assertThrows(RunRefused.class, () -> harness.runs.callback(
                plan.runId(), Callback.of("verify", 1, SUCCEEDED, Map.of(), "")));
        assertTrue(notCurrent.getMessage().contains("step 'verify' is not the current step ('bump' is)"), notCurrent.getMessage());
        RunRefused stale = assertThrows(RunRefused.class, () -> harness.runs.callback(
                plan.runId(), Callback.of("bump", 2, SUCCEEDED, Map.of(), "")));
        assertEquals(RefusalCodes.STALE_DISPATCH, stale.code());
        assertTrue(stale.getMessage().contains("dispatch 2 of step 'bump', but the step is at dispatch 1"), stale.getMessage());
        RunRefused noRetry = assertThrows(RunRefused.class, () -> harness.runs.retryStep(plan.runId()));
        assertTrue(noRetry.getMessage().contains("step 'bump' is dispatched; only a failed step is retried"), noRetry.getMessage());
        assertEquals(new RunProgress("bump", StepStatus.DISPATCHED, 1), harness.runs.progress(plan.runId()));
        harness.runs.callback(plan.runId(), callback(first, SUCCEEDED, Map.of(), ""));
    }
}
