package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.StepResult;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BumpChartStepTest {
    private static final String BRANCH = "drover/app-chart-upgrade/checkout";

    @TempDir
    Path dir;
    LocalGitHost host;
    Path repo;
    DiscoveredCandidate checkout;

    @BeforeEach
    void seed() throws Exception {
        host = GitFixture.demoHost(dir);
        repo = host.repository();
        checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
    }

    @Test
    void pushesOneCommitEditingOnlyTheVersionAndRenamedKeysAndOpensOneChangeRequest() throws Exception {
        String manifestBefore = GitFixture.read(repo, "main", "apps/prod/checkout.yaml");
        String valuesBefore = GitFixture.read(repo, "main", "values/checkout/prod.yaml");

        StepResult result = bump(host);

        assertEquals(CallbackStatus.SUCCEEDED, result.status(), result.message());
        assertEquals("http://localhost/local-git/changes/1", result.metadata().get("changeUrl"));
        assertEquals(BRANCH, result.metadata().get("branch"));
        assertEquals(1, GitFixture.commitsAhead(repo, BRANCH));
        assertEquals(manifestBefore.replace("targetRevision: 1.2.0 # chart version", "targetRevision: 2.0.0 # chart version"),
                     GitFixture.read(repo, BRANCH, "apps/prod/checkout.yaml"));
        assertEquals(valuesBefore.replace("  tag: \"", "  version: \"").replace("  port: 8080", "  httpPort: 8080"),
                     GitFixture.read(repo, BRANCH, "values/checkout/prod.yaml"));
        assertEquals(GitFixture.read(repo, "main", "values/checkout/common.yaml"), GitFixture.read(repo, BRANCH, "values/checkout/common.yaml"));
        assertEquals(List.of(BRANCH), host.list().stream().map(ChangeRequest::branch).toList());
    }

    @Test
    void theCommitSaysWhatChangedAndCarriesTheMigrationAndCandidateAsTrailers() throws Exception {
        ChartBump.Plan plan = planOnMain();

        bump(host);

        try (var r = GitFixture.open(repo); var walk = new org.eclipse.jgit.revwalk.RevWalk(r)) {
            RevCommit commit = walk.parseCommit(GitFixture.tip(repo, BRANCH));
            assertEquals("Upgrade chart web-service to 2.0.0 for checkout", commit.getShortMessage());
            assertEquals("Upgrade chart web-service to 2.0.0 for checkout\n\n" + String.join("\n", plan.edits())
                                 + "\n\nDrover-Migration: app-chart-upgrade\nDrover-Candidate: checkout\n", commit.getFullMessage());
            assertTrue(plan.edits().contains("apps/prod/checkout.yaml line 15: chart web-service 1.2.0 -> 2.0.0"), plan.edits().toString());
            // git interpret-trailers (and any tooling on it) finds which run made the commit
            assertEquals(List.of("app-chart-upgrade"), commit.getFooterLines("Drover-Migration"));
            assertEquals(List.of("checkout"), commit.getFooterLines("Drover-Candidate"));
            assertEquals(GitFixture.AUTHOR.getEmailAddress(), commit.getAuthorIdent().getEmailAddress());
        }
    }

    @Test
    void theOperatorsInputsOverrideTheMigratorsConfigAndABlankInputDoesNot() throws Exception {
        String valuesBefore = GitFixture.read(repo, "main", "values/checkout/prod.yaml");
        Map<String, String> inputs = Map.of("chart", " ", "targetVersion", "2.1.0", "keyRenames", "image.tag=image.version");

        StepResult result = new BumpChartStep(host, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, checkout, inputs));

        assertEquals(CallbackStatus.SUCCEEDED, result.status(), result.message());
        assertTrue(GitFixture.read(repo, BRANCH, "apps/prod/checkout.yaml").contains("targetRevision: 2.1.0 # chart version"),
                   "the target version from the inputs, the chart from the config");
        assertEquals(valuesBefore.replace("  tag: \"", "  version: \""), GitFixture.read(repo, BRANCH, "values/checkout/prod.yaml"),
                     "only the renames of the inputs: service.port stays");
        try (var r = GitFixture.open(repo); var walk = new org.eclipse.jgit.revwalk.RevWalk(r)) {
            assertEquals("Upgrade chart web-service to 2.1.0 for checkout", walk.parseCommit(GitFixture.tip(repo, BRANCH)).getShortMessage());
        }
    }

    @Test
    void anInputThatIsNotAVersionFailsTheStepNamingIt() throws Exception {
        StepResult result = new BumpChartStep(host, GitFixture.AUTHOR)
                .execute(step(BumpChartStep.TYPE, checkout, Map.of("targetVersion", "latest")));

        assertEquals(CallbackStatus.FAILED, result.status());
        assertEquals("'latest' is not a SemVer chart version (e.g. 1.4.0)", result.message());
        assertEquals(List.of("main"), GitFixture.branches(repo));
    }

    @Test
    void reRunningMakesNoSecondCommitBranchOrChangeRequest() throws Exception {
        StepResult first = bump(host);
        ObjectId tip = GitFixture.tip(repo, BRANCH);

        StepResult again = bump(host);
        StepResult afterRestart = bump(new LocalGitHost(repo, "main", "http://localhost/local-git/changes"));

        assertEquals(first.metadata(), again.metadata());
        assertEquals(first.metadata(), afterRestart.metadata());
        assertTrue(again.message().startsWith("change request http://localhost/local-git/changes/1 was already open; branch already held"),
                   again.message());
        assertEquals(tip, GitFixture.tip(repo, BRANCH));
        assertEquals(List.of(BRANCH, "main"), GitFixture.branches(repo));
        assertEquals(1, host.list().size());
    }

    @Test
    void aCrashBetweenPushAndOpeningTheChangeRequestIsFinishedByTheRetryWithoutANewCommit() throws Exception {
        CodeHost failingOpen = new CodeHost() {
            public GitRemote remote() { return host.remote(); }
            public Optional<ChangeRequest> findByBranch(String branch) throws IOException { return host.findByBranch(branch); }
            public ChangeRequest open(String branch, String title, String body) throws IOException {
                throw new IOException("the host went away");
            }
            public String fileUrl(String branch, String path) { return ""; }
        };
        assertEquals(CallbackStatus.FAILED, bump(failingOpen).status());
        ObjectId tip = GitFixture.tip(repo, BRANCH);

        StepResult retry = bump(host);

        assertEquals(CallbackStatus.SUCCEEDED, retry.status(), retry.message());
        assertEquals(tip, GitFixture.tip(repo, BRANCH));
        assertEquals(1, host.list().size());
    }

    @Test
    void mainMovingInOtherFilesLeavesTheBranchAlone() throws Exception {
        bump(host);
        ObjectId tip = GitFixture.tip(repo, BRANCH);
        GitFixture.commit(repo, "docs", "README.md", "# changed\n");

        assertEquals(CallbackStatus.SUCCEEDED, bump(host).status());

        assertEquals(tip, GitFixture.tip(repo, BRANCH));
    }

    @Test
    void aReviewersCommitOnTheBranchSurvivesARerun() throws Exception {
        bump(host);
        GitFixture.commit(repo, BRANCH, "reviewer: document the upgrade", java.util.Map.of("docs/checkout.md", Optional.of("2.0.0 notes\n")));
        ObjectId tip = GitFixture.tip(repo, BRANCH);

        assertEquals(CallbackStatus.SUCCEEDED, bump(host).status());

        assertEquals(tip, GitFixture.tip(repo, BRANCH));
        assertEquals("2.0.0 notes\n", GitFixture.read(repo, BRANCH, "docs/checkout.md"));
    }

    @Test
    void aValuesFileThatDoesNotParseFailsNamingFileAndLineAndTheRetryAfterTheFixWorks() throws Exception {
        String good = GitFixture.read(repo, "main", "values/checkout/prod.yaml");
        GitFixture.commit(repo, "typo", "values/checkout/prod.yaml", good.replace("service:\n", "service: [\n"));

        StepResult failed = bump(host);

        assertEquals(CallbackStatus.FAILED, failed.status());
        assertTrue(failed.message().startsWith("values/checkout/prod.yaml line "), failed.message());
        assertTrue(failed.message().endsWith("; fix the file on main of " + repo + " and retry the step"), failed.message());
        assertEquals(List.of("main"), GitFixture.branches(repo));

        GitFixture.commit(repo, "fix the typo", "values/checkout/prod.yaml", good);
        StepResult retried = bump(host);

        assertEquals(CallbackStatus.SUCCEEDED, retried.status(), retried.message());
        assertEquals(1, GitFixture.commitsAhead(repo, BRANCH));
    }

    @Test
    void aRepositoryThatCannotBeClonedFailsNamingItsUrlAndTheRetryWorksOnceItIsThere() throws Exception {
        Path missing = dir.resolve("later").resolve(DemoGitOpsRepo.REPO_NAME);
        LocalGitHost notYet = new LocalGitHost(missing, "main", "");

        StepResult result = bump(notYet);

        assertEquals(CallbackStatus.FAILED, result.status());
        assertTrue(result.message().startsWith("cannot clone " + missing + ": "), result.message());
        assertTrue(result.message().endsWith("check that the URL is right, reachable from the migrator, and that its credentials may read it"),
                   result.message());

        GitFixture.demoHost(dir.resolve("later")); // the fix: the repository is where the settings say
        StepResult retried = bump(notYet);

        assertEquals(CallbackStatus.SUCCEEDED, retried.status(), retried.message());
        assertEquals(1, GitFixture.commitsAhead(missing, BRANCH));
    }

    @Test
    void anAppAlreadyUpgradedOnMainNeedsNoBranchNoChangeRequestAndVerifies() throws Exception {
        ChartBump.Plan plan;
        try (GitWorkspace main = GitWorkspace.cloneMain(host.remote())) {
            plan = new ChartBump(GitFixture.demoUpgrade()).plan(step(BumpChartStep.TYPE, checkout).candidate(), main::read);
        }
        GitFixture.commit(repo, "main", "upgraded by hand",
                          plan.contents().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                                  java.util.Map.Entry::getKey, e -> Optional.of(e.getValue()))));

        StepResult bumped = bump(host);
        StepResult awaited = new AwaitMergeStep(host).execute(step(AwaitMergeStep.TYPE, checkout));
        StepResult verified = new VerifyStep(host).execute(step(VerifyStep.TYPE, checkout));

        assertEquals(CallbackStatus.SUCCEEDED, bumped.status());
        assertTrue(bumped.message().endsWith("nothing to change"), bumped.message());
        assertEquals(CallbackStatus.MERGED, awaited.status(), awaited.message());
        assertEquals(CallbackStatus.SUCCEEDED, verified.status(), verified.message());
        assertEquals(List.of("main"), GitFixture.branches(repo));
        assertEquals(0, host.list().size());
    }

    @Test
    void aMergedChangeThatMainNoLongerHoldsFailsAskingWhetherItWasReverted() throws Exception {
        ChartBump.Plan plan = planOnMain();
        String manifest = GitFixture.read(repo, "main", "apps/prod/checkout.yaml");
        assertEquals(CallbackStatus.SUCCEEDED, bump(host).status());
        host.merge(1);
        // Someone reverts the upgrade on main by hand.
        GitFixture.commit(repo, "revert the chart upgrade", "apps/prod/checkout.yaml", manifest);

        StepResult again = bump(host);

        assertEquals(CallbackStatus.FAILED, again.status(), again.message());
        assertTrue(again.message().startsWith("change request http://localhost/local-git/changes/1 for branch " + BRANCH
                                                      + " was merged, but main still needs: "), again.message());
        assertTrue(again.message().contains(plan.edits().stream().filter(e -> e.startsWith("apps/prod/checkout.yaml")).findFirst().orElseThrow()),
                   again.message());
        assertTrue(again.message().endsWith("Was it reverted? Apply the change on main or announce the new target as a new migration, then retry"),
                   again.message());
        assertEquals("http://localhost/local-git/changes/1", again.metadata().get("changeUrl"));
        assertEquals(1, host.list().size(), "no second change request on the merged branch");
    }

    private ChartBump.Plan planOnMain() throws Exception {
        try (GitWorkspace main = GitWorkspace.cloneMain(host.remote())) {
            return new ChartBump(GitFixture.demoUpgrade()).plan(step(BumpChartStep.TYPE, checkout).candidate(), main::read);
        }
    }

    private StepResult bump(CodeHost on) throws Exception {
        return new BumpChartStep(on, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, checkout));
    }
}
