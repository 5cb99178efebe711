package dev.drover.migrators.appchart;

import dev.drover.contract.model.Migration;
import dev.drover.migrator.Discovery;
import dev.drover.migrator.FileSource;
import dev.drover.migrator.StepHandler;
import org.eclipse.jgit.lib.PersonIdent;

import java.util.Map;

/**
 * Everything app-chart-migrator gives the SDK, wired explicitly from one code host and one upgrade:
 * the migration definition, discovery, a handler per step type and the dry-run's file source.
 */
public final class AppChartMigrator {
    private final CodeHost host;
    private final ChartUpgrade upgrade;
    private final String appsDir;
    private final PersonIdent author;

    public AppChartMigrator(CodeHost host, ChartUpgrade upgrade, String appsDir, PersonIdent author) {
        this.host = host;
        this.upgrade = upgrade;
        this.appsDir = appsDir;
        this.author = author;
    }

    public static AppChartMigrator fromSettings(AppChartSettings settings) {
        return new AppChartMigrator(settings.codeHost(), settings.upgrade(), settings.appsDir(),
                                    new PersonIdent(settings.authorName(), settings.authorEmail()));
    }

    public CodeHost codeHost() {
        return host;
    }

    public Migration migration() {
        return AppChartMigration.definition(upgrade);
    }

    public Discovery discovery() {
        return new ChartDiscovery(host, upgrade, appsDir);
    }

    /** Step handlers by step type. */
    public Map<String, StepHandler> handlers() {
        return Map.of(BumpChartStep.TYPE, new BumpChartStep(host, author),
                      AwaitMergeStep.TYPE, new AwaitMergeStep(host),
                      VerifyStep.TYPE, new VerifyStep(host));
    }

    /** A dry-run's starting point: a fresh clone of main (every candidate lives in the one repository). */
    public FileSource openFileSource() throws GitFailure {
        return GitFileSource.open(host.remote());
    }
}
