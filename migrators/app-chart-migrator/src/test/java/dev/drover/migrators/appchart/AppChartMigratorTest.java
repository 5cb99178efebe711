package dev.drover.migrators.appchart;

import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppChartMigratorTest {
    @Test
    void theMigrationNamesOnlyStepTypesTheMigratorHandles() {
        AppChartMigrator migrator = AppChartMigrator.fromSettings(AppChartSettings.fromEnvironment(
                Map.of("DROVER_GITOPS_REPO", "/srv/git/gitops.git")));

        Migration migration = migrator.migration();

        assertEquals("app-chart-upgrade", migration.id());
        assertEquals(List.of("bump-chart", "await-merge", "verify"), migration.steps().stream().map(Step::name).toList());
        assertTrue(migration.steps().stream().allMatch(s -> s.migratorApp().equals("app-chart-migrator")));
        assertEquals(Set.copyOf(migration.steps().stream().map(Step::type).toList()), migrator.handlers().keySet());
        assertEquals(Map.of("chart", "web-service", "targetVersion", "2.0.0", "keyRenames", "image.tag=image.version,service.port=service.httpPort",
                            "deadline", "PT30M"),
                     migration.steps().getFirst().config());
        assertTrue(!migration.steps().get(1).config().containsKey("deadline"), "await-merge waits for people: no deadline");
        assertEquals("PT30M", migration.steps().get(2).config().get("deadline"));
    }

    @Test
    void settingsChooseTheCodeHostAndRefuseWhatCannotWork() {
        CodeHost github = AppChartSettings.fromEnvironment(Map.of("DROVER_GITOPS_HOST", "github", "GITHUB_REPOSITORY", "acme/gitops",
                                                                  "GITHUB_TOKEN", "t")).codeHost();
        assertInstanceOf(GitHubHost.class, github);
        assertEquals("https://github.com/acme/gitops.git", github.remote().url());
        assertEquals("https://github.com/acme/gitops/blob/main/a.yaml", github.fileUrl("main", "a.yaml"));

        var noToken = assertThrows(IllegalArgumentException.class, () -> AppChartSettings.fromEnvironment(
                Map.of("DROVER_GITOPS_HOST", "github", "GITHUB_REPOSITORY", "acme/gitops")).codeHost());
        assertEquals("a GitHub token is required to open pull requests on acme/gitops", noToken.getMessage());
        var moved = assertThrows(IllegalArgumentException.class, () -> AppChartSettings.fromEnvironment(
                Map.of("DROVER_CHART_KEY_RENAMES", "service.port=ports.http")));
        assertTrue(moved.getMessage().contains("moves the key to another mapping"), moved.getMessage());
    }
}
