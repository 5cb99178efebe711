package dev.drover.migrators.appchart;

import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;

import java.util.List;
import java.util.Map;

/** The migration app-chart-migrator announces: three steps, all its own, configured with the upgrade. */
public final class AppChartMigration {
    public static final String ID = "app-chart-upgrade";
    public static final String MIGRATOR_APP = "app-chart-migrator";

    private AppChartMigration() {
    }

    public static Migration definition(ChartUpgrade upgrade) {
        String renames = String.join(",", upgrade.renames().stream().map(KeyRename::toString).toList());
        Map<String, String> config = Map.of(ChartUpgrade.CHART, upgrade.chart(),
                                            ChartUpgrade.TARGET_VERSION, upgrade.target().text(),
                                            ChartUpgrade.KEY_RENAMES, renames);
        // The migrator acknowledges a step before working on it; if it dies meanwhile (a pod scaled away), nothing
        // else would report. A deadline fails such a step with a reason, and a retry runs it again: the steps that
        // work alone get one; await-merge waits for people and has none.
        Map<String, String> unattended = new java.util.HashMap<>(config);
        unattended.put("deadline", "PT30M");
        return new Migration(ID,
                "Upgrade chart " + upgrade.chart() + " to " + upgrade.target(),
                "Bumps the Helm chart " + upgrade.chart() + " to " + upgrade.target() + " in every Argo CD Application of the"
                        + " GitOps repository that uses an older version, renames the values keys the new version renamed"
                        + (renames.isEmpty() ? "" : " (" + renames + ")") + ", and follows each app's change request to main.",
                List.of("Bump: one change request per app, on branch drover/" + ID + "/<app>",
                        "Review: a person merges each change request",
                        "Verify: main has the new version and keys"),
                List.of(new Step("bump-chart", "Bump the chart version and rename values keys; open a change request",
                                 MIGRATOR_APP, BumpChartStep.TYPE, unattended),
                        new Step("await-merge", "Wait for the change request to be merged", MIGRATOR_APP, AwaitMergeStep.TYPE, config),
                        new Step("verify", "Check the result on the main branch", MIGRATOR_APP, VerifyStep.TYPE, unattended)),
                List.of());
    }
}
