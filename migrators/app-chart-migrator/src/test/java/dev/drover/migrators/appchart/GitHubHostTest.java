package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.StepResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GitHub adapter against a local server playing GitHub; git itself goes to a real local repository. */
class GitHubHostTest {
    private static final String BRANCH = "drover/app-chart-upgrade/checkout";

    @TempDir
    Path dir;
    FakeGitHub github;
    Path repo;
    GitHubHost host;

    @BeforeEach
    void start() throws Exception {
        github = new FakeGitHub("acme", "gitops");
        repo = GitFixture.demoHost(dir).repository();
        host = new GitHubHost(github.api(), "acme/gitops", FakeGitHub.TOKEN, repo.toString(), "main", "https://github.com");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void theStepsOpenOnePullRequestFollowItToMergedAndNeverOpenASecond() throws Exception {
        DiscoveredCandidate checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
        assertEquals(new FileRef("apps/prod/checkout.yaml", "https://github.com/acme/gitops/blob/main/apps/prod/checkout.yaml"),
                     checkout.files().get(1).files().getFirst());
        BumpChartStep bump = new BumpChartStep(host, GitFixture.AUTHOR);
        AwaitMergeStep await = new AwaitMergeStep(host);

        StepResult opened = bump.execute(step(BumpChartStep.TYPE, checkout));
        StepResult again = bump.execute(step(BumpChartStep.TYPE, checkout));

        assertEquals("https://github.com/acme/gitops/pull/1", opened.metadata().get("changeUrl"));
        assertEquals(opened.metadata(), again.metadata());
        assertEquals(1, github.creates.get(), "the re-run found the pull request by its head branch");
        assertEquals(BRANCH, github.pull(1).path("head").path("ref").asText());
        assertEquals("main", github.pull(1).path("base").path("ref").asText());
        assertEquals("Upgrade chart web-service to 2.0.0 for checkout", github.pull(1).path("title").asText());
        assertEquals("Opened by Drover (app-chart-migrator) to upgrade chart web-service to 2.0.0.\n\n"
                             + String.join("\n", planOnMain(checkout).edits().stream().map(e -> "- " + e).toList()) + "\n",
                     github.pull(1).path("body").asText(), "the reviewer reads every edit, one per line");
        assertTrue(github.pull(1).path("body").asText().contains("\n- values/checkout/prod.yaml line 6: renamed image.tag=image.version\n"),
                   github.pull(1).path("body").asText());
        assertEquals(1, GitFixture.commitsAhead(repo, BRANCH));

        StepResult waiting = await.execute(step(AwaitMergeStep.TYPE, checkout));
        assertEquals(CallbackStatus.PENDING, waiting.status(), "mergeable unknown (null) is not a conflict");
        github.merge(1);
        StepResult merged = await.execute(step(AwaitMergeStep.TYPE, checkout));
        assertEquals(CallbackStatus.MERGED, merged.status());
        assertEquals("https://github.com/acme/gitops/pull/1", merged.metadata().get("changeUrl"));
    }

    private ChartBump.Plan planOnMain(DiscoveredCandidate candidate) throws Exception {
        try (GitWorkspace main = GitWorkspace.cloneMain(host.remote())) {
            return new ChartBump(GitFixture.demoUpgrade()).plan(step(BumpChartStep.TYPE, candidate).candidate(), main::read);
        }
    }

    @Test
    void aPullRequestGitHubCannotMergeFailsTheWait() throws Exception {
        DiscoveredCandidate checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
        new BumpChartStep(host, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, checkout));
        github.pull(1).put("mergeable", false); // GitHub found a conflict with main

        StepResult result = new AwaitMergeStep(host).execute(step(AwaitMergeStep.TYPE, checkout));

        assertEquals(CallbackStatus.FAILED, result.status());
        assertTrue(result.message().startsWith("change request https://github.com/acme/gitops/pull/1 cannot merge into main"
                                                       + " (the host reports a conflict); update branch " + BRANCH), result.message());
    }

    @Test
    void openingTwiceReturnsTheOpenPullRequestInsteadOfASecond() throws Exception {
        ChangeRequest first = host.open(BRANCH, "t", "b");
        ChangeRequest second = host.open(BRANCH, "t", "b");

        assertEquals(first.id(), second.id());
        assertEquals(1, github.pulls.size());
        assertNull(first.mergeable());
    }

    @Test
    void theBranchsOpenPullRequestIsFollowedWhetherItIsTheNewestOrAnOlderOneReopened() throws Exception {
        DiscoveredCandidate checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
        AwaitMergeStep await = new AwaitMergeStep(host);
        host.open(BRANCH, "first", "b");
        github.pull(1).put("state", "closed"); // a reviewer closes #1, the next bump opens #2
        host.open(BRANCH, "second", "b");

        StepResult newerOpen = await.execute(step(AwaitMergeStep.TYPE, checkout));

        assertEquals(CallbackStatus.PENDING, newerOpen.status(), newerOpen.message());
        assertEquals("https://github.com/acme/gitops/pull/2", newerOpen.metadata().get("changeUrl"));

        github.pull(2).put("state", "closed");
        github.pull(1).put("state", "open"); // the reviewer reopens #1 instead
        StepResult olderReopened = await.execute(step(AwaitMergeStep.TYPE, checkout));

        assertEquals(CallbackStatus.PENDING, olderReopened.status(), olderReopened.message());
        assertEquals("https://github.com/acme/gitops/pull/1", olderReopened.metadata().get("changeUrl"));

        github.pull(1).put("state", "closed");
        StepResult noneOpen = await.execute(step(AwaitMergeStep.TYPE, checkout));

        assertEquals(CallbackStatus.FAILED, noneOpen.status(), "with none open, the newest closed one tells");
        assertEquals("https://github.com/acme/gitops/pull/2", noneOpen.metadata().get("changeUrl"));
    }

    @Test
    void aLongErrorPageIsCutToThreeHundredCharactersInTheFailure() {
        String page = "<html>" + "x".repeat(294);
        github.outage = page;
        IOException whole = assertThrows(IOException.class, () -> host.findByBranch(BRANCH));
        assertTrue(whole.getMessage().endsWith(": " + page), "300 characters are shown whole: " + whole.getMessage());

        github.outage = page + "<p>and the rest of a long page</p></html>";
        IOException cut = assertThrows(IOException.class, () -> host.findByBranch(BRANCH));
        assertTrue(cut.getMessage().endsWith(": " + page.substring(0, 297) + "..."), cut.getMessage());
    }

    @Test
    void aBadTokenFailsWithWhatToFix() {
        GitHubHost wrong = new GitHubHost(github.api(), "acme/gitops", "expired", repo.toString(), "main", "");

        IOException e = assertThrows(IOException.class, () -> wrong.findByBranch(BRANCH));

        assertTrue(e.getMessage().startsWith("GitHub answered 401 to GET " + github.api() + "/repos/acme/gitops/pulls?head=acme%3A"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; the token is invalid or expired"), e.getMessage());
    }
}
