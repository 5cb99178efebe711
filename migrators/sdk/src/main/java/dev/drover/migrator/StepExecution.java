package dev.drover.migrator;

import dev.drover.core.model.InvalidInput;
import dev.drover.core.run.CallbackRequest;
import dev.drover.core.run.StepEvent;
import dev.failsafe.Failsafe;

import java.lang.System.Logger.Level;
import java.time.Duration;

/** Executes one step event with its handler and reports the result, retrying the report until the platform answers. */
final class StepExecution {
    private static final System.Logger LOGGER = System.getLogger(StepExecution.class.getName());

    private final StepHandlers handlers;
    private final PlatformClient platform;
    private final PendingSteps pending;
    private final Duration callbackPatience;

    StepExecution(StepHandlers handlers, PlatformClient platform, PendingSteps pending, Duration callbackPatience) {
        this.handlers = handlers;
        this.platform = platform;
        this.pending = pending;
        this.callbackPatience = callbackPatience;
    }

    /** Executes the step (again, for a re-check) and reports; a pending step is remembered for the next re-check. */
    void run(StepEvent event) {
        StepResult result = execute(event);
        if (result.status() == dev.drover.core.run.CallbackStatus.PENDING) {
            pending.remember(event);
        } else {
            pending.forget(event);
        }
        CallbackRequest report;
        try {
            report = report(event, result);
        } catch (InvalidInput e) {
            report = report(event, StepResult.failed("the migrator reported metadata the platform cannot take: " + e.getMessage()));
        }
        String what = event.runId() + "/" + event.step().name() + " " + result.status().wire();
        CallbackRequest sent = report;
        try {
            Failsafe.with(Retries.<Void>until(callbackPatience, "callback " + what))
                    .run(() -> platform.callback(event.callback().url(), sent));
            LOGGER.log(Level.INFO, "reported " + what);
        } catch (Retries.Refused e) {
            // A refused callback (an earlier attempt, a cancelled run) changes nothing on the platform: nothing to redo,
            // and nothing to re-check either.
            pending.forget(event);
            LOGGER.log(Level.WARNING, "the platform refused " + what + ": " + e.getMessage());
        } catch (RuntimeException e) { // FailsafeException wraps the last checked failure
            LOGGER.log(Level.ERROR, "gave up reporting " + what + " after " + callbackPatience
                    + "; the step's deadline or an operator's retry will move the run on", e);
        }
    }

    private StepResult execute(StepEvent event) {
        return handlers.find(event.step())
                .map(handler -> {
                    try {
                        return handler.execute(new StepContext(event.migrationId(), event.runId(), event.step(),
                                                               event.candidate(), event.inputs()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return StepResult.failed("the migrator stopped while executing the step; retry it");
                    } catch (Exception e) {
                        LOGGER.log(Level.WARNING, "step " + event.runId() + "/" + event.step().name() + " failed", e);
                        return StepResult.failed(e.getMessage() == null ? e.toString() : e.getMessage());
                    }
                })
                .orElseGet(() -> StepResult.failed(handlers.unknown(event.step())));
    }

    private static CallbackRequest report(StepEvent event, StepResult result) {
        return new CallbackRequest(event.step().name(), event.dispatch(), result.status(), result.metadata(),
                                   result.message(), event.callback().token());
    }
}
