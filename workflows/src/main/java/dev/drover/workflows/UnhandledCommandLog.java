package dev.drover.workflows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Temporal's worker logs a WARNING with a stack trace ("Failure while reporting workflow progress to the server") whenever
 * the server refuses a workflow task's completion as {@code UnhandledCommand}: an event (a signal) came while the task
 * ran, and the task's commands close the run (it completes, or continues as new). That is the protocol, not a fault:
 * the server has already failed that task and scheduled the next one with the new event (temporalio/temporal#2720), and
 * the workflow goes on. A rollout meets it whenever a run's end arrives as it continues as new (17 to 109 times in a
 * rollout of 4,000 runs in RolloutBench). This filter turns exactly that warning into one INFO line without the trace, so
 * that the worker's WARNINGs stay worth reading; any other failure is logged as Temporal logs it.
 */
final class UnhandledCommandLog implements Filter {
    static final String LOGGER = "io.temporal.internal.worker.WorkflowWorker";
    /** JUL holds its loggers weakly: this reference keeps the logger, and the filter set on it, for the process's life. */
    private static final Logger WORKER_LOG = Logger.getLogger(LOGGER);

    /** The filter the logger had before, still asked about every other record. */
    final Filter previous;

    private UnhandledCommandLog(Filter previous) {
        this.previous = previous;
    }

    /** Sets the filter on Temporal's workflow worker logger (once, however many workers a process starts). */
    static synchronized void install() {
        if (!(WORKER_LOG.getFilter() instanceof UnhandledCommandLog)) {
            WORKER_LOG.setFilter(new UnhandledCommandLog(WORKER_LOG.getFilter()));
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue() && unhandledCommand(record.getThrown())) {
            WORKER_LOG.log(Level.INFO, "A workflow task's completion crossed a new event (UnhandledCommand); Temporal runs the "
                    + "next task with it. " + record.getMessage());
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    private static boolean unhandledCommand(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
                    && "UnhandledCommand".equals(e.getStatus().getDescription())) {
                return true;
            }
        }
        return false;
    }
}
