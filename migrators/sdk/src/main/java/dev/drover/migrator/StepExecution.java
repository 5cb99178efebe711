package dev.drover.migrator;

import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.StepEvent;
import dev.failsafe.Failsafe;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

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

    /**
     * Steps executing now, by run/step/dispatch, and whether a re-check came meanwhile: a step never runs
     * beside itself, and a merge event that arrives while the last check is still reporting is not lost,
     * it runs the step once more afterwards.
     */
    private final ConcurrentHashMap<String, Boolean> running = new ConcurrentHashMap<>();

    /** Executes the step (again, for a re-check) and reports; a pending step is remembered for the next re-check. */
    void run(StepEvent event) {
        String key = event.runId() + "/" + event.step().name() + "/" + event.dispatch();
        boolean[] first = {false};
        running.compute(key, (k, again) -> {
            first[0] = again == null;
            return again != null;
        });
        if (!first[0]) {
            return; // running now: it goes once more when done
        }
        do {
            runAndReport(event);
        } while (running.compute(key, (k, again) -> again ? Boolean.FALSE : null) != null);
    }

    private void runAndReport(StepEvent event) {
        StepResult result = execute(event);
        try {
            if (result.status() == dev.drover.contract.run.CallbackStatus.PENDING) {
                pending.remember(event);
            } else {
                pending.forget(event);
            }
        } catch (RuntimeException e) {
            // The report matters more than the re-check memory: a lost report strands the run.
            LOGGER.log(Level.WARNING, "cannot remember whether " + event.runId() + "/" + event.step().name()
                    + " is pending; it will not be re-checked: " + e);
        }
        Callback report;
        try {
            report = report(event, result);
        } catch (InvalidInput e) {
            report = report(event, StepResult.failed("the migrator reported metadata the platform cannot take: " + e.getMessage()));
        }
        String what = event.runId() + "/" + event.step().name() + " " + result.status().wire();
        Callback sent = report;
        // A handler interrupted by the migrator stopping still gets its failure reported: with the flag set, the
        // callback's HTTP send would fail at once and the step would wait for its deadline. The flag comes back after.
        boolean interrupted = Thread.interrupted();
        try {
            Failsafe.with(Retries.<Void>until(callbackPatience, "callback " + what))
                    .run(() -> platform.callback(event.runId(), sent));
            LOGGER.log(Level.INFO, "reported " + what);
        } catch (Retries.Refused e) {
            // A refused callback (an earlier attempt, a cancelled run) changes nothing on the platform: nothing to redo,
            // and nothing to re-check either.
            pending.forget(event);
            LOGGER.log(Level.WARNING, "the platform refused " + what + ": " + e.getMessage());
        } catch (RuntimeException e) { // FailsafeException wraps the last checked failure
            LOGGER.log(Level.ERROR, "gave up reporting " + what + " after " + callbackPatience
                    + "; the step's deadline or an operator's retry will move the run on", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private StepResult execute(StepEvent event) {
        return handlers.find(event.step())
                .map(handler -> {
                    try {
                        StepResult result = handler.execute(new StepContext(event.migrationId(), event.runId(), event.step(),
                                                                            event.candidate(), event.inputs()));
                        return result != null ? result : StepResult.failed("the step handler returned no result (a bug in the migrator)");
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

    private static Callback report(StepEvent event, StepResult result) {
        return new Callback(event.step().name(), event.dispatch(), result.status(), result.metadata(),
                                   result.message(), event.callback().token());
    }
}
