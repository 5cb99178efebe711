package dev.drover.core.history;

import java.util.List;

/**
 * Where {@link HistoryRecorder} sends what it is given: the database itself (drover-history's {@code History.recorder()}),
 * or a durable outbox a history writer empties into the database (the functions and the worker). May throw;
 * the recorder catches.
 */
public interface HistorySink {
    void write(List<HistoryEvent> events);

    void write(OperatorAction action);
}
