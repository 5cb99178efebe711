package dev.drover.workflows;

import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an operator reads of a refused workflow task completion: one INFO line for UnhandledCommand, anything else as is. */
class UnhandledCommandLogTest {
    private static final String MESSAGE = "Failure while reporting workflow progress to the server. If seen continuously the workflow "
            + "might be stuck. WorkflowId=rollout-1, RunId=r-1, startedEventId=991";
    private final Logger worker = Logger.getLogger(UnhandledCommandLog.LOGGER);
    private final List<LogRecord> seen = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            seen.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        UnhandledCommandLog.install();
        worker.addHandler(capture);
    }

    @AfterEach
    void stop() {
        worker.removeHandler(capture);
    }

    @Test
    void anUnhandledCommandIsOneInfoLineWithoutItsTrace() {
        worker.log(Level.WARNING, MESSAGE, Status.INVALID_ARGUMENT.withDescription("UnhandledCommand").asRuntimeException());
        assertEquals(1, seen.size(), "one line, not the warning as well");
        LogRecord line = seen.getFirst();
        assertEquals(Level.INFO, line.getLevel());
        assertNull(line.getThrown());
        assertTrue(line.getMessage().contains("UnhandledCommand") && line.getMessage().contains("WorkflowId=rollout-1"), line.getMessage());
    }

    @Test
    void anyOtherFailureToReportStaysAWarningWithItsTrace() {
        RuntimeException unavailable = Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException();
        worker.log(Level.WARNING, MESSAGE, unavailable);
        RuntimeException invalid = Status.INVALID_ARGUMENT.withDescription("BadScheduleActivityAttributes").asRuntimeException();
        worker.log(Level.WARNING, MESSAGE, invalid);
        assertEquals(2, seen.size());
        assertEquals(Level.WARNING, seen.get(0).getLevel());
        assertSame(unavailable, seen.get(0).getThrown());
        assertSame(invalid, seen.get(1).getThrown());
    }

    @Test
    void installingAgainAddsNoSecondFilter() {
        UnhandledCommandLog.install(); // as every RunWorker.start does
        UnhandledCommandLog installed = (UnhandledCommandLog) worker.getFilter();
        assertFalse(installed.previous instanceof UnhandledCommandLog, "a worker started twice chains the filter on itself");
    }
}
