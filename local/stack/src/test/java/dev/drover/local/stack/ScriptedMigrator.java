package dev.drover.local.stack;

import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A migrator on the SDK, joined to a local stack, whose one step type ({@code test}) waits for the test
 * to say what each step reports: the end-to-end tests drive runs through it step by step.
 */
final class ScriptedMigrator implements AutoCloseable {
    /** One step the SDK is executing; it reports what the test completes it with. */
    record Execution(StepContext step, CompletableFuture<StepResult> result) {
        void report(CallbackStatus status, String by) {
            result.complete(new StepResult(status, Map.of("by", by), status.wire()));
        }
    }

    private final String appId;
    private final Migrator migrator;
    /** Steps as the migrator executes them (redeliveries are not executed again). */
    private final BlockingQueue<Execution> executed = new LinkedBlockingQueue<>();
    /** How many times the migrator executed each run/step. */
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    private ScriptedMigrator(LocalStack stack, String appId) {
        this.appId = appId;
        this.migrator = Migrator.builder(appId, new Migration(appId + "-unused", "unused", "", List.of(),
                                                              List.of(new Step("unused", "", appId, "test", Map.of())), List.of()))
                .step("test", step -> {
                    executions.computeIfAbsent(step.runId() + "/" + step.step().name(), k -> new AtomicInteger()).incrementAndGet();
                    Execution execution = new Execution(step, new CompletableFuture<>());
                    executed.add(execution);
                    return execution.result().get(2, TimeUnit.MINUTES);
                })
                .dapr(stack.daprClient())
                .tokens(stack.migratorTokens(appId))
                .start(MigratorSettings.local(stack.apiUri()));
        stack.addMigrator(appId, migrator.stepsUri());
    }

    static ScriptedMigrator join(LocalStack stack, String appId) {
        return new ScriptedMigrator(stack, appId);
    }

    String appId() {
        return appId;
    }

    /** The next step of this run the migrator executed (others are put back). */
    Execution nextStep(String runId, Duration patience) throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        List<Execution> others = new ArrayList<>();
        try {
            while (System.nanoTime() < until) {
                Execution event = executed.poll(100, TimeUnit.MILLISECONDS);
                if (event != null && event.step().runId().equals(runId)) {
                    return event;
                }
                if (event != null) {
                    others.add(event);
                }
            }
        } finally {
            executed.addAll(others);
        }
        throw new AssertionError("no step of " + runId + " reached " + appId);
    }

    /** The next step of any run the migrator executed, or null when none came within {@code patience}. */
    Execution nextAny(Duration patience) throws InterruptedException {
        return executed.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many times the migrator executed the run's step. */
    int executions(String runId, String step) {
        AtomicInteger count = executions.get(runId + "/" + step);
        return count == null ? 0 : count.get();
    }

    /** Whether a step of the run reached the migrator that no test has taken yet. */
    boolean hasUntaken(String runId) {
        return executed.stream().anyMatch(e -> e.step().runId().equals(runId));
    }

    @Override
    public void close() {
        migrator.close();
    }
}
