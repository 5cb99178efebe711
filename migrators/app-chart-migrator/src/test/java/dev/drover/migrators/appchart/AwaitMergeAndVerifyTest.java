package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.StepResult;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwaitMergeAndVerifyTest {
    private static final String BRANCH = "drover/app-chart-upgrade/checkout";
    private static final String PROD_VALUES = "values/checkout/prod.yaml";

    @TempDir
    Path dir;
    LocalGitHost host;
    Path repo;
    DiscoveredCandidate checkout;
    final List<ChangeRequest> merges = new CopyOnWriteArrayList<>();

    @BeforeEach
    void seedAndBump() throws Exception {
        host = GitFixture.demoHost(dir);
        host.addMergeListener(merges::add);
        repo = host.repository();
        checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
        StepResult bumped = bump();
        assertEquals(CallbackStatus.SUCCEEDED, bumped.status(), bumped.message());
    }

    @Test
    void pendingWithTheLinkUntilMergedThenMergedAndVerifiedOnMain() throws Exception {
        StepResult waiting = await();
        StepResult tooEarly = verify();

        assertEquals(CallbackStatus.PENDING, waiting.status());
        assertEquals("http://localhost/local-git/changes/1", waiting.metadata().get("changeUrl"));
        assertEquals(CallbackStatus.FAILED, tooEarly.status());
        assertTrue(tooEarly.message().contains("still needs: apps/dev/checkout.yaml line 15: chart web-service 1.2.0 -> 2.0.0"),
                   tooEarly.message());

        ChangeRequest merged = host.merge(1);

        assertEquals(List.of(merged), merges, "one merge event, naming the change request");
        assertEquals(BRANCH, merges.getFirst().branch());
        StepResult done = await();
        assertEquals(CallbackStatus.MERGED, done.status(), done.message());
        assertEquals("merged", done.metadata().get("changeState"));
        StepResult verified = verify();
        assertEquals(CallbackStatus.SUCCEEDED, verified.status(), verified.message());
        assertEquals(GitFixture.tip(repo, "main").name(), verified.metadata().get("verifiedCommit"));
    }

    @Test
    void mergingIsARealGitMergeAndMergingAgainChangesNothing() throws Exception {
        ObjectId mainBefore = GitFixture.tip(repo, "main");
        host.merge(1);
        ObjectId mainAfter = GitFixture.tip(repo, "main");

        host.merge(1);

        assertEquals(mainAfter, GitFixture.tip(repo, "main"));
        assertEquals(1, merges.size());
        try (var r = GitFixture.open(repo); var walk = new org.eclipse.jgit.revwalk.RevWalk(r)) {
            var merge = walk.parseCommit(mainAfter);
            assertEquals(List.of(mainBefore, GitFixture.tip(repo, BRANCH)), List.of(merge.getParent(0).getId(), merge.getParent(1).getId()));
        }
        assertEquals(GitFixture.read(repo, BRANCH, PROD_VALUES), GitFixture.read(repo, "main", PROD_VALUES));
    }

    @Test
    void aConflictFailsNamingTheFileAndTheRetryAfterTheFixWaitsAgain() throws Exception {
        String original = GitFixture.read(repo, "main", PROD_VALUES);
        // someone changes the very line the change request renames
        GitFixture.commit(repo, "hotfix", PROD_VALUES, original.replaceFirst("tag: \"[^\"]+\"", "tag: \"2026.9.9\""));

        StepResult conflicted = await();

        assertEquals(CallbackStatus.FAILED, conflicted.status());
        assertEquals("change request http://localhost/local-git/changes/1 cannot merge into main: conflicts in " + PROD_VALUES
                             + "; update branch " + BRANCH + " so it merges (e.g. rebase it on main and resolve), then retry this step",
                     conflicted.message());
        MergeConflict refused = assertThrows(MergeConflict.class, () -> host.merge(1));
        assertEquals(List.of(PROD_VALUES), refused.files());

        GitFixture.commit(repo, "revert the hotfix", PROD_VALUES, original); // the fix
        assertEquals(CallbackStatus.PENDING, await().status());
        host.merge(1);
        assertEquals(CallbackStatus.MERGED, await().status());
    }

    @Test
    void reRunningTheBumpAfterAConflictRebuildsTheBranchOnMainKeepingMainsChange() throws Exception {
        String original = GitFixture.read(repo, "main", PROD_VALUES);
        String hotfixed = original.replaceFirst("tag: \"[^\"]+\"", "tag: \"2026.9.9\"");
        GitFixture.commit(repo, "hotfix", PROD_VALUES, hotfixed);
        assertEquals(CallbackStatus.FAILED, await().status());

        StepResult rebuilt = bump();

        assertEquals(CallbackStatus.SUCCEEDED, rebuilt.status(), rebuilt.message());
        assertEquals(1, host.list().size(), "the same change request, with its branch updated");
        assertEquals(1, GitFixture.commitsAhead(repo, BRANCH));
        assertEquals(CallbackStatus.PENDING, await().status());
        host.merge(1);
        assertEquals(hotfixed.replace("  tag: \"", "  version: \"").replace("  port: 8080", "  httpPort: 8080"),
                     GitFixture.read(repo, "main", PROD_VALUES));
        assertEquals(CallbackStatus.SUCCEEDED, verify().status());
    }

    @Test
    void aClosedChangeRequestFailsAndTheNextBumpOpensANewOne() throws Exception {
        host.close(1);

        StepResult closed = await();

        assertEquals(CallbackStatus.FAILED, closed.status());
        assertTrue(closed.message().contains("was closed without merging"), closed.message());
        StepResult reopened = bump();
        assertEquals("http://localhost/local-git/changes/2", reopened.metadata().get("changeUrl"));
        assertEquals(CallbackStatus.PENDING, await().status());
    }

    private StepResult bump() throws Exception {
        return new BumpChartStep(host, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, checkout));
    }

    private StepResult await() throws Exception {
        return new AwaitMergeStep(host).execute(step(AwaitMergeStep.TYPE, checkout));
    }

    private StepResult verify() throws Exception {
        return new VerifyStep(host).execute(step(VerifyStep.TYPE, checkout));
    }
}
