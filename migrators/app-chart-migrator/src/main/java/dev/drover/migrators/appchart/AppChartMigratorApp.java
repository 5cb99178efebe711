package dev.drover.migrators.appchart;

import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import io.dapr.client.DaprClient;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * app-chart-migrator as a running migrator on the SDK: its discovery, step handlers and dry-run source,
 * plus the code host's merge events, which re-check the candidate's pending {@code await-merge} step at
 * once (a discovery tick re-checks every pending step too, for events that were missed).
 */
public final class AppChartMigratorApp {
    private AppChartMigratorApp() {
    }

    /**
     * @param dapr the Dapr client to announce through, or empty for one from the environment
     */
    public static Migrator start(AppChartMigrator chart, AppChartSettings settings, MigratorSettings migrator,
                                 Optional<DaprClient> dapr) {
        AtomicReference<Migrator> running = new AtomicReference<>();
        Migrator.Builder builder = Migrator.builder(AppChartMigration.MIGRATOR_APP, chart.migration())
                .discovery(chart.discovery())
                .files(candidate -> chart.openFileSource());
        chart.handlers().forEach(builder::step);
        dapr.ifPresent(builder::dapr);
        if (chart.codeHost() instanceof LocalGitHost local) {
            builder.service("/local-git", new LocalGitHostService(local));
            local.addMergeListener(change -> recheck(running.get(), change.branch()));
        }
        if (!settings.githubWebhookSecret().isBlank()) {
            builder.service("/github/webhook", new GitHubWebhookService(new GitHubWebhook(settings.githubWebhookSecret()),
                                                                         branch -> recheck(running.get(), branch)));
        }
        running.set(builder.start(migrator));
        return running.get();
    }

    private static void recheck(Migrator migrator, String branch) {
        if (migrator != null) {
            Branches.owner(branch).ifPresent(owner -> migrator.recheck(owner.migrationId(), owner.candidateId()));
        }
    }

    public static void main(String[] args) {
        AppChartSettings settings = AppChartSettings.fromEnvironment(System.getenv());
        start(AppChartMigrator.fromSettings(settings), settings, MigratorSettings.fromEnvironment(System.getenv()), Optional.empty());
    }
}
