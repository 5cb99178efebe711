package dev.drover.migrators.appchart;

import dev.drover.contract.run.StepEvent;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The steps run out of order, against a code host that is down, or with settings missing: what an operator reads. */
class StepsWithoutTheirPrerequisitesTest {
    private static final String BRANCH = "drover/app-chart-upgrade/checkout";

    @TempDir
    Path dir;
    LocalGitHost host;
    DiscoveredCandidate checkout;

    @BeforeEach
    void seed() throws Exception {
        host = GitFixture.demoHost(dir);
        checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
    }

    @Test
    void awaitingAMergeBeforeTheBumpFailsAskingForTheBump() throws Exception {
        StepResult result = new AwaitMergeStep(host).execute(step(AwaitMergeStep.TYPE, checkout));

        assertEquals(CallbackStatus.FAILED, result.status(), result.message());
        assertEquals("no change request for branch " + BRANCH + " in " + host.remote().url() + "; retry the bump-chart step to open one",
                     result.message());
    }

    @Test
    void aCodeHostThatDoesNotAnswerKeepsTheWaitPending() throws Exception {
        try (FakeGitHub github = new FakeGitHub("acme", "gitops")) {
            github.outage = "<html>502 Bad Gateway</html>";
            GitHubHost down = new GitHubHost(github.api(), "acme/gitops", FakeGitHub.TOKEN, host.repository().toString(), "main", "");

            StepResult result = new AwaitMergeStep(down).execute(step(AwaitMergeStep.TYPE, checkout));

            assertEquals(CallbackStatus.PENDING, result.status(), result.message());
            assertTrue(result.message().startsWith("cannot ask the code host about branch " + BRANCH + " right now: GitHub answered 502"),
                       result.message());
            assertEquals(BRANCH, result.metadata().get(ChangeMetadata.BRANCH));
        }
    }

    @Test
    void verifyingATargetThatIsNotAVersionFailsNamingIt() throws Exception {
        StepResult result = new VerifyStep(host).execute(step(VerifyStep.TYPE, checkout, Map.of(ChartUpgrade.TARGET_VERSION, "soon")));

        assertEquals(CallbackStatus.FAILED, result.status());
        assertTrue(result.message().contains("'soon'"), result.message());
    }

    @Test
    void keyRenamesMayBeLeftOutButTheChartMayNot() {
        StepContext noRenames = withConfig(Map.of(ChartUpgrade.CHART, "web-service", ChartUpgrade.TARGET_VERSION, "2.0.0"));
        assertEquals(List.of(), ChartUpgrade.from(noRenames).renames());
        StepContext noChart = withConfig(Map.of(ChartUpgrade.TARGET_VERSION, "2.0.0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChartUpgrade.from(noChart));
        assertEquals("step bump-chart needs config 'chart'", e.getMessage());
    }

    @Test
    void theMigrationsDescriptionNamesTheKeyRenamesOnlyWhenThereAreSome() {
        assertTrue(AppChartMigration.definition(GitFixture.demoUpgrade()).description()
                           .contains(" (image.tag=image.version,service.port=service.httpPort), "));
        assertTrue(!AppChartMigration.definition(ChartUpgrade.of("web-service", "2.0.0", "")).description().contains("("));
    }

    @Test
    void aTokenIsUsedForGitOnlyWhenOneIsGiven() {
        assertTrue(GitRemote.withToken("https://github.com/acme/gitops.git", "main", "ghp_x").credentials() != null);
        assertEquals(null, GitRemote.withToken("https://github.com/acme/gitops.git", "main", " ").credentials());
        assertEquals(null, GitRemote.anonymous("/srv/git/gitops.git", "main").credentials());
        assertEquals("https://github.com/acme/gitops.git (main)", GitRemote.withToken("https://github.com/acme/gitops.git", "main", "ghp_x").toString(),
                     "the token is never printed");
    }

    private StepContext withConfig(Map<String, String> config) {
        return new StepContext(GitFixture.MIGRATION, "run-1", new StepEvent.StepRef("bump-chart", BumpChartStep.TYPE, config),
                               new StepEvent.CandidateRef(checkout.id(), checkout.kind(), checkout.metadata(), checkout.files()), Map.of());
    }
}
