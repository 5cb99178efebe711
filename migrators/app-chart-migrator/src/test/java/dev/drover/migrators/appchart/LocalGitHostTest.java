package dev.drover.migrators.appchart;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalGitHostTest {
    @TempDir
    Path dir;

    @Test
    void concurrentOpensOfOneBranchMakeOneChangeRequest() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        branchFromMain(host.repository(), "drover/m/c");

        List<Future<ChangeRequest>> opened = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) {
                // a second host instance per thread, as separate step executions would have
                Callable<ChangeRequest> open = () -> new LocalGitHost(host.repository(), "main", "").open("drover/m/c", "t", "b");
                opened.add(pool.submit(open));
            }
        }

        for (Future<ChangeRequest> f : opened) {
            assertEquals("1", f.get().id());
        }
        assertEquals(1, host.list().size());
    }

    @Test
    void aChangeRequestNeedsItsBranchAndAnUnknownOneCannotBeMerged() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);

        IOException noBranch = assertThrows(IOException.class, () -> host.open("drover/m/nothing", "t", "b"));
        assertTrue(noBranch.getMessage().contains("has no such branch; push it first"), noBranch.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> host.merge(4));
        assertEquals("no change request #4 in " + host.repository(), unknown.getMessage());
    }

    @Test
    void theBranchsOpenChangeRequestIsFollowedAndMergedNotTheOneClosedBeforeIt() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        branchFromMain(host.repository(), "drover/m/c");
        host.open("drover/m/c", "first", "b");
        host.close(1); // a reviewer rejects #1; the next bump opens #2
        ChangeRequest second = host.open("drover/m/c", "second", "b");

        assertEquals("2", second.id());
        assertEquals(Optional.of("2"), host.findByBranch("drover/m/c").map(ChangeRequest::id));
        assertEquals("2", host.mergeBranch("drover/m/c").id(), "merging the branch merges its open change request");
        assertEquals(ChangeRequest.State.CLOSED, host.get(1).orElseThrow().state());
        IllegalArgumentException closed = assertThrows(IllegalArgumentException.class, () -> host.merge(1));
        assertEquals("change request #1 is closed; it cannot be merged", closed.getMessage());
    }

    @Test
    void aMergeIsOneMergeCommitOnMainNamingTheChangeRequestAndMergingAgainChangesNothing() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        List<ChangeRequest> events = new CopyOnWriteArrayList<>();
        host.addMergeListener(events::add);
        branchFromMain(host.repository(), "drover/m/c");
        GitFixture.commit(host.repository(), "drover/m/c", "bump", Map.of("values/ledger/dev.yaml", Optional.of("replicaCount: 2\n")));
        ObjectId mainBefore = GitFixture.tip(host.repository(), "main");
        ObjectId branchTip = GitFixture.tip(host.repository(), "drover/m/c");
        host.open("drover/m/c", "Bump ledger", "body");

        assertEquals(ChangeRequest.State.MERGED, host.merge(1).state());

        ObjectId mainAfter = GitFixture.tip(host.repository(), "main");
        try (Repository repo = GitFixture.open(host.repository()); RevWalk walk = new RevWalk(repo)) {
            RevCommit merge = walk.parseCommit(mainAfter);
            assertEquals(List.of(mainBefore, branchTip), Arrays.stream(merge.getParents()).map(RevCommit::toObjectId).toList());
            assertEquals("Merge change request #1 from drover/m/c\n\nBump ledger\n", merge.getFullMessage());
        }
        assertEquals("replicaCount: 2\n", GitFixture.read(host.repository(), "main", "values/ledger/dev.yaml"));
        assertEquals(1, events.size());

        ChangeRequest again = host.merge(1);
        assertEquals(List.of("1", "drover/m/c", ChangeRequest.State.MERGED), List.of(again.id(), again.branch(), again.state()));
        assertEquals(mainAfter, GitFixture.tip(host.repository(), "main"), "no second merge commit");
        assertEquals(1, events.size(), "no second merge event");
    }

    @Test
    void aFailingMergeListenerDoesNotUndoTheMergeOrSilenceTheOthers() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        List<String> heard = new CopyOnWriteArrayList<>();
        host.addMergeListener(change -> {
            throw new IllegalStateException("a listener that fails");
        });
        host.addMergeListener(change -> heard.add(change.branch()));
        branchFromMain(host.repository(), "drover/m/c");
        host.open("drover/m/c", "t", "b");

        assertEquals(ChangeRequest.State.MERGED, host.merge(1).state());
        assertEquals(List.of("drover/m/c"), heard);
        assertEquals(ChangeRequest.State.MERGED, host.get(1).orElseThrow().state());
    }

    @Test
    void closingTwiceKeepsTheFirstCloseAndAMergedOneStaysMerged() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        branchFromMain(host.repository(), "drover/m/a");
        branchFromMain(host.repository(), "drover/m/b");
        host.open("drover/m/a", "a", "");
        host.open("drover/m/b", "b", "");
        assertEquals(ChangeRequest.State.CLOSED, host.close(1).state());
        assertEquals(ChangeRequest.State.CLOSED, host.close(1).state());
        host.merge(2);
        assertEquals(ChangeRequest.State.MERGED, host.close(2).state(), "a merged change request cannot be closed");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> host.close(3));
        assertEquals("no change request #3", unknown.getMessage());
    }

    @Test
    void changeRequestsAreListedInNumberOrderPastNine() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            branchFromMain(host.repository(), "drover/m/c" + i);
            host.open("drover/m/c" + i, "t", "b");
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, host.list().stream().map(ChangeRequest::id).toList());
    }

    @Test
    void aBlankMainBranchMeansMain() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        assertEquals("main", new LocalGitHost(host.repository(), " ", "").remote().mainBranch());
        assertEquals("main", new LocalGitHost(host.repository(), null, "").remote().mainBranch());
        assertEquals("trunk", new LocalGitHost(host.repository(), "trunk", "").remote().mainBranch());
    }

    private static void branchFromMain(Path bare, String branch) throws Exception {
        try (var repo = GitFixture.open(bare)) {
            RefUpdate update = repo.updateRef("refs/heads/" + branch);
            update.setNewObjectId(repo.resolve("refs/heads/main"));
            assertEquals(RefUpdate.Result.NEW, update.update());
        }
    }
}
