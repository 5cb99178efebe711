package dev.drover.bench;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.local.stack.LocalStack;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What the harnesses that run the local stack share: quiet logs and a migrator that changes nothing. */
final class LocalBench {
    private LocalBench() {
    }

    /** One log line per request would measure the console, not Drover. */
    static void quietLogs() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
    }

    /**
     * A migrator on the SDK, app {@code app}, announcing {@code migration} with {@code steps} steps whose every run
     * succeeds at once, and discovering {@code candidates}: what is measured is Drover, not a migration.
     */
    static Migrator noopMigrator(LocalStack stack, String app, String migration, String title, int steps,
                                 List<DiscoveredCandidate> candidates) {
        return Migrator.builder(app, new Migration(migration, title, "", List.of(), noopSteps(app, steps), List.of()))
                .discovery(() -> candidates)
                .step("noop", step -> StepResult.succeeded(Map.of(), "nothing to change"))
                .dapr(stack.daprClient())
                .tokens(stack.migratorTokens(app))
                .start(MigratorSettings.local(stack.apiUri()));
    }

    /** The no-op migration's {@code count} steps, {@code step-1} and on, each executed by {@code app}. */
    static List<Step> noopSteps(String app, int count) {
        List<Step> steps = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            steps.add(new Step("step-" + i, "", app, "noop", Map.of()));
        }
        return List.copyOf(steps);
    }
}
