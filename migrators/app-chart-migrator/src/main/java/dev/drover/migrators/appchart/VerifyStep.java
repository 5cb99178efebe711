package dev.drover.migrators.appchart;

import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;

import java.util.Map;

/**
 * Step type {@value #TYPE}: checks the result where it counts, on main: the candidate's manifests use the
 * target chart version and no renamed key is left in its values files. It asks the bump for its plan on
 * main and expects none, so "verified" means exactly "nothing left to bump". Changes nothing.
 */
public final class VerifyStep implements StepHandler {
    public static final String TYPE = "verify";

    private final CodeHost host;

    public VerifyStep(CodeHost host) {
        this.host = host;
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        ChartUpgrade upgrade;
        try {
            upgrade = ChartUpgrade.from(step);
        } catch (IllegalArgumentException e) {
            return StepResult.failed(e.getMessage());
        }
        String main = host.remote().mainBranch();
        try (GitWorkspace workspace = GitWorkspace.cloneMain(host.remote())) {
            ChartBump.Plan plan = new ChartBump(upgrade).plan(step.candidate(), workspace::read);
            String commit = workspace.mainTip().name();
            if (!plan.isEmpty()) {
                return StepResult.failed(Map.of("verifiedCommit", commit), main + " (" + commit.substring(0, 7)
                        + ") still needs: " + String.join("; ", plan.edits())
                        + "; merge the change request (or fix " + main + ") and retry this step");
            }
            return StepResult.succeeded(Map.of("verifiedCommit", commit), main + " (" + commit.substring(0, 7) + ") has chart "
                    + upgrade.chart() + " " + upgrade.target() + " and the new values keys for " + step.candidate().id());
        } catch (GitFailure | InvalidYaml e) {
            return StepResult.failed(e.getMessage());
        }
    }
}
