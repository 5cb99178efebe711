package dev.drover.migrators.hello;

import dev.drover.migrator.Draft;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;
import dev.drover.migrator.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What makes the hello world a demo an operator can try cancel and retry on: a folder may hold a {@code SLOW} file
 * (its steps take that many seconds, at most 600) or a {@code LOCKED} file (its next step fails once, and removes
 * the lock). Not part of the example: a real migrator has no such switches.
 */
public final class DemoFolders {
    private DemoFolders() {
    }

    public static UnaryOperator<StepHandler> around(Path projects) {
        return handler -> new StepHandler() {
            @Override
            public StepResult execute(StepContext step) throws Exception {
                if (Files.deleteIfExists(Workspace.resolve(projects, step.candidate().id(), "LOCKED"))) {
                    return StepResult.failed(step.candidate().id() + " was LOCKED; the lock is gone now: retry the step");
                }
                Path slow = Workspace.resolve(projects, step.candidate().id(), "SLOW");
                if (Files.exists(slow)) {
                    Thread.sleep(Math.min(600, Long.parseLong(Files.readString(slow).strip())) * 1000);
                }
                return handler.execute(step);
            }

            @Override
            public void simulate(StepContext step, Draft draft) throws Exception {
                handler.simulate(step, draft);
            }
        };
    }
}
