package dev.drover.core.history;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What functions call to record history. It never throws: history is a record of the run, not a part
 * of it, so a sink that fails costs the entry (logged at WARNING and counted in {@link #failures()}),
 * never a run or a request. With the outbox as its sink (ADR 0008) the sink is Redis, which the request
 * needed anyway, and the state changes of runs carry their events in their own scripts instead.
 */
public final class HistoryRecorder {
    private static final System.Logger LOGGER = System.getLogger(HistoryRecorder.class.getName());

    private final HistorySink writer;
    private final AtomicLong failures = new AtomicLong();

    /** A recorder that sends everything to a sink (the Redis outbox in the functions and the worker). */
    public HistoryRecorder(HistorySink sink) {
        this.writer = sink;
    }

    public void record(HistoryEvent event) {
        recordAll(List.of(event));
    }

    /** Records events in one transaction (all or none). */
    public void recordAll(List<HistoryEvent> events) {
        try {
            writer.write(events);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOGGER.log(Level.WARNING, "history: could not record " + events.size() + " event(s), first "
                    + events.getFirst().key() + ": " + e.getMessage());
        }
    }

    public void record(OperatorAction action) {
        try {
            writer.write(action);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOGGER.log(Level.WARNING, "history: could not record " + action.action() + " of " + action.migrationId()
                    + "/" + action.candidateId() + " by " + action.actor() + ": " + e.getMessage());
        }
    }

    /** How many writes were lost since start. */
    public long failures() {
        return failures.get();
    }
}
