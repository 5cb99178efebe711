package dev.drover.workflows.rollout;

import dev.drover.core.rollout.FailureBudget;
import dev.drover.core.rollout.RolloutCounts;
import dev.drover.core.rollout.RolloutProgress;
import dev.drover.core.rollout.RolloutSpec;
import dev.drover.core.rollout.Wave;
import dev.drover.core.rollout.WaveState;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the runs of a selection, page by page, never more than {@code concurrency} in flight, at most
 * {@code ratePerMinute}, wave by wave, pausing when the failure budget is spent. It learns how runs end from
 * their signals (and a periodic look at Redis, in case one was lost), saves its progress to Redis through an
 * activity (a change of status or wave at once, counts at most once a second), and continues as new every
 * {@value #STARTS_PER_RUN} starts or {@value #HISTORY_PER_RUN} history events, so its history and memory stay
 * bounded for any number of candidates.
 * <p>
 * Exactly once per candidate: the selection is one walk in id order (each id is met once); each start carries a
 * run id picked here, so a start Temporal retries is the same start; a candidate already running, failed or
 * completed is refused by the claim-run script and counted as skipped.
 */
public final class RolloutWorkflow implements Rollout {
    public static final int PAGE = 100;
    public static final int STARTS_PER_RUN = 200;
    static final int HISTORY_PER_RUN = 2000;
    /**
     * Counts are saved at most this often; a change of status, wave or an operator's action at once. Runs ending
     * one after another would otherwise cost a save activity each.
     */
    static final Duration SAVE_EVERY = Duration.ofSeconds(1);
    /** How often the rollout checks its runs in flight in Redis, in case a run's signal never came. */
    public static final Duration RECONCILE = Duration.ofSeconds(30);
    /** How long to wait before starting again when Temporal did not answer a start. */
    static final Duration UNAVAILABLE_BACKOFF = Duration.ofSeconds(10);

    private static final ActivityOptions ACTIVITIES = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder()
                                     .setInitialInterval(Duration.ofSeconds(1))
                                     .setBackoffCoefficient(2)
                                     .setMaximumInterval(Duration.ofMinutes(1))
                                     .build())
            .build();

    private final RolloutActivities activities = Workflow.newActivityStub(RolloutActivities.class, ACTIVITIES);
    private final RolloutSpec spec;
    private final Deque<RunEnd> ends = new ArrayDeque<>();
    private final Deque<String> buffer;
    private final Map<String, String> inFlight;
    private Selection.Cursor cursor;
    private String status;
    private String pausedReason;
    private int waveIndex;
    private int waveStarted;
    private String waiting;
    private long waitUntil;
    private Long selected;
    private long started;
    private long skipped;
    private long succeeded;
    private long failed;
    private long cancelled;
    private long failedBase;
    private long startedBase;
    private long version;
    private long nextStartAt;
    private long retryAt;
    private int startsThisRun;
    private boolean promoteRequested;
    private boolean abortRequested;
    /** Counts changed since the last save. */
    private boolean dirty;
    /** Something an operator (or a watcher) must see at once changed: status, wave, waiting. */
    private boolean urgent;
    private long lastSaveAt;

    @WorkflowInit
    public RolloutWorkflow(RolloutState state) {
        spec = state.spec();
        RolloutProgress p = state.progress();
        status = p.status();
        pausedReason = p.pausedReason();
        waveIndex = p.wave().index();
        waiting = p.wave().waiting();
        RolloutCounts c = p.counts();
        selected = c.selected();
        started = c.started();
        skipped = c.skipped();
        succeeded = c.succeeded();
        failed = c.failed();
        cancelled = c.cancelled();
        version = p.version();
        cursor = state.cursor();
        buffer = new ArrayDeque<>(state.buffer());
        inFlight = new LinkedHashMap<>(state.inFlight());
        waveStarted = state.waveStarted();
        waitUntil = state.waitUntil();
        failedBase = state.failedBase();
        startedBase = state.startedBase();
        if (state.ends() != null) {
            ends.addAll(state.ends());
        }
    }

    @Override
    public void run(RolloutState state) {
        if (selected == null) {
            selected = activities.count(spec.migrationId(), spec.selector());
            urgent = true;
        }
        long nextReconcile = Workflow.currentTimeMillis() + RECONCILE.toMillis();
        while (true) {
            applyEnds();
            if (abortRequested) {
                status = RolloutProgress.ABORTED;
                pausedReason = null;
                waiting = null;
                save();
                return;
            }
            checkBudget();
            if (RolloutProgress.RUNNING.equals(status)) {
                advanceWaves();
                if (waiting == null && canStart()) {
                    startSome();
                }
            }
            if (finished()) {
                status = RolloutProgress.COMPLETED;
                save();
                return;
            }
            if (urgent || (dirty && Workflow.currentTimeMillis() - lastSaveAt >= SAVE_EVERY.toMillis())) {
                save();
            }
            if (startsThisRun >= STARTS_PER_RUN || Workflow.getInfo().getHistoryLength() > HISTORY_PER_RUN) {
                if (dirty || urgent) {
                    save();
                }
                // An abort or a promotion that came while this pass waited on its activities is handled first (the next
                // pass continues as new); runs' ends that came meanwhile go with the snapshot. They used to be dropped
                // here, each holding its slot until the next run's reconcile (30 s: every slot, in a busy rollout).
                // No running history changes by this: each that reached this point continued as new.
                if (abortRequested || (promoteRequested && waiting != null)) {
                    continue;
                }
                Workflow.continueAsNew(snapshot());
                return;
            }
            long now = Workflow.currentTimeMillis();
            if (now >= nextReconcile) {
                if (!inFlight.isEmpty()) {
                    ends.addAll(activities.ended(spec.migrationId(), Map.copyOf(inFlight)));
                }
                nextReconcile = Workflow.currentTimeMillis() + RECONCILE.toMillis();
                continue;
            }
            if (RolloutProgress.RUNNING.equals(status) && waiting == null && canStart() && startableNow(now)) {
                continue;
            }
            long wake = nextReconcile;
            if (dirty) {
                wake = Math.min(wake, lastSaveAt + SAVE_EVERY.toMillis());
            }
            if (waitUntil > 0) {
                wake = Math.min(wake, waitUntil);
            }
            if (RolloutProgress.RUNNING.equals(status) && waiting == null && canStart()) {
                wake = Math.min(wake, Math.max(nextStartAt, retryAt));
            }
            Workflow.await(Duration.ofMillis(Math.max(1, wake - now)),
                           () -> !ends.isEmpty() || abortRequested || promoteRequested || urgent);
        }
    }

    /** Counts the runs that ended; a run not (or no longer) in flight is not counted twice. */
    private void applyEnds() {
        while (!ends.isEmpty()) {
            RunEnd end = ends.removeFirst();
            if (!inFlight.remove(end.candidateId(), end.runId())) {
                continue;
            }
            switch (end.outcome()) {
                case RunEnd.SUCCEEDED -> succeeded++;
                case RunEnd.FAILED -> failed++;
                default -> cancelled++;
            }
            dirty = true;
        }
    }

    private void checkBudget() {
        FailureBudget budget = spec.failureBudget();
        if (budget != null && RolloutProgress.RUNNING.equals(status)
                && budget.exhausted(failed - failedBase, started - startedBase)) {
            status = RolloutProgress.PAUSED;
            pausedReason = "failure budget spent: " + (failed - failedBase) + " of " + (started - startedBase)
                    + " runs started since the rollout " + (startedBase == 0 && failedBase == 0 ? "began" : "was resumed")
                    + " failed (budget: " + (budget.count() != null ? budget.count() + " failures" : budget.percent() + "%") + ")";
            urgent = true;
        }
    }

    /** Moves through waves: a wave whose runs are all started and ended waits; a promotion or its timer ends the wait. */
    private void advanceWaves() {
        if (waiting != null) {
            boolean timerDone = waitUntil > 0 && Workflow.currentTimeMillis() >= waitUntil;
            if (promoteRequested || timerDone) {
                promoteRequested = false;
                waiting = null;
                waitUntil = 0;
                waveIndex++;
                waveStarted = 0;
                urgent = true;
            }
            return;
        }
        promoteRequested = false;
        if (waveIndex < spec.waves().size() && waveStarted >= spec.waves().get(waveIndex).size() && inFlight.isEmpty()) {
            fill();
            if (buffer.isEmpty()) {
                return; // nothing left for a next wave: the rollout is finished
            }
            Wave wave = spec.waves().get(waveIndex);
            if (wave.waitFor() == null) {
                waiting = Wave.PROMOTE;
            } else {
                waitUntil = Workflow.currentTimeMillis() + wave.waitFor().toMillis();
                waiting = Instant.ofEpochMilli(waitUntil).toString();
            }
            urgent = true;
        }
    }

    /** Whether a slot, the wave and the selection leave room for a start (the rate and backoff aside). */
    private boolean canStart() {
        if (inFlight.size() >= spec.concurrency()) {
            return false;
        }
        if (waveIndex < spec.waves().size() && waveStarted >= spec.waves().get(waveIndex).size()) {
            return false;
        }
        return !buffer.isEmpty() || !cursor.done();
    }

    private boolean startableNow(long now) {
        return now >= nextStartAt && now >= retryAt;
    }

    private void startSome() {
        long now = Workflow.currentTimeMillis();
        if (!startableNow(now)) {
            return;
        }
        fill();
        int room = spec.concurrency() - inFlight.size();
        if (waveIndex < spec.waves().size()) {
            room = Math.min(room, spec.waves().get(waveIndex).size() - waveStarted);
        }
        if (spec.ratePerMinute() != null) {
            room = Math.min(room, 1);
        }
        List<RolloutActivities.StartRequest> batch = new ArrayList<>();
        while (batch.size() < room && !buffer.isEmpty()) {
            batch.add(new RolloutActivities.StartRequest(buffer.removeFirst(), "run-" + Workflow.randomUUID()));
        }
        if (batch.isEmpty()) {
            return;
        }
        List<RolloutActivities.StartResult> results = activities.start(spec, batch);
        List<String> unavailable = new ArrayList<>();
        for (RolloutActivities.StartResult result : results) {
            switch (result.outcome()) {
                case RolloutActivities.StartResult.STARTED -> {
                    inFlight.put(result.candidateId(), result.runId());
                    started++;
                    waveStarted++;
                    startsThisRun++;
                }
                case RolloutActivities.StartResult.UNAVAILABLE -> unavailable.add(result.candidateId());
                default -> skipped++;
            }
        }
        for (int i = unavailable.size() - 1; i >= 0; i--) {
            buffer.addFirst(unavailable.get(i)); // tried again, with a new run id, after a pause
        }
        if (!unavailable.isEmpty()) {
            retryAt = Workflow.currentTimeMillis() + UNAVAILABLE_BACKOFF.toMillis();
        }
        if (spec.ratePerMinute() != null) {
            nextStartAt = now + 60_000L / spec.ratePerMinute();
        }
        dirty = true;
    }

    /** Reads the next page of the selection when nothing is read ahead. */
    private void fill() {
        while (buffer.isEmpty() && !cursor.done()) {
            Selection.Page page = activities.page(spec.migrationId(), spec.selector(), cursor, PAGE);
            buffer.addAll(page.ids());
            cursor = page.next();
        }
    }

    private boolean finished() {
        return RolloutProgress.RUNNING.equals(status) && waiting == null && buffer.isEmpty() && cursor.done() && inFlight.isEmpty();
    }

    private void save() {
        version++;
        RolloutProgress progress = progress();
        // An operator's action handled while the save runs (a pause, say) sets these again, and is saved next. They
        // used to be cleared after the save, which threw that away: the rollout was paused and its record said running.
        // Rollouts that started saving the old way replay the old way.
        boolean clearFirst = Workflow.getVersion("save-clears-first", Workflow.DEFAULT_VERSION, 1) >= 1;
        if (clearFirst) {
            dirty = false;
            urgent = false;
        }
        activities.save(spec, progress);
        if (!clearFirst) {
            dirty = false;
            urgent = false;
        }
        lastSaveAt = Workflow.currentTimeMillis();
    }

    private RolloutProgress progress() {
        Integer size = waveIndex < spec.waves().size() ? spec.waves().get(waveIndex).size() : null;
        return new RolloutProgress(status, pausedReason, new WaveState(waveIndex, size, waiting),
                                   new RolloutCounts(selected, started, skipped, inFlight.size(), succeeded, failed, cancelled),
                                   Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString(), version);
    }

    private RolloutState snapshot() {
        return new RolloutState(spec, progress(), cursor, List.copyOf(buffer), Map.copyOf(inFlight), waveStarted, waitUntil,
                                failedBase, startedBase, List.copyOf(ends));
    }

    @Override
    public void runEnded(RunEnd end) {
        ends.addLast(end);
    }

    @Override
    public void validatePause(String actor) {
        if (!RolloutProgress.RUNNING.equals(status) || abortRequested) {
            throw RolloutRefusal.failure(RolloutRefusal.NOT_RUNNING, "the rollout is " + status + "; only a running rollout is paused");
        }
    }

    @Override
    public String pause(String actor) {
        status = RolloutProgress.PAUSED;
        pausedReason = "paused by " + actor;
        urgent = true;
        return status;
    }

    @Override
    public void validateResume(String actor) {
        if (!RolloutProgress.PAUSED.equals(status) || abortRequested) {
            throw RolloutRefusal.failure(RolloutRefusal.NOT_PAUSED, "the rollout is " + status + "; only a paused rollout is resumed");
        }
    }

    @Override
    public String resume(String actor) {
        status = RolloutProgress.RUNNING;
        pausedReason = null;
        // The budget counts again from here: the operator has seen the failures so far.
        failedBase = failed;
        startedBase = started;
        urgent = true;
        return status;
    }

    @Override
    public void validatePromote(String actor) {
        if (waiting == null || promoteRequested || abortRequested) {
            throw RolloutRefusal.failure(RolloutRefusal.NOTHING_TO_PROMOTE, "no wave waits to be promoted (the rollout is "
                    + status + ", wave " + waveIndex + (waiting == null ? " has not finished" : " is being promoted") + ")");
        }
    }

    @Override
    public String promote(String actor) {
        promoteRequested = true;
        return status;
    }

    @Override
    public void validateAbort(String actor) {
        if (abortRequested || RolloutProgress.COMPLETED.equals(status) || RolloutProgress.ABORTED.equals(status)) {
            throw RolloutRefusal.failure(RolloutRefusal.ENDED, "the rollout is " + (abortRequested ? "aborting" : status));
        }
    }

    @Override
    public String abort(String actor) {
        abortRequested = true;
        return RolloutProgress.ABORTED;
    }
}
