package dev.drover.migrators.appchart;

import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
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

    private static void branchFromMain(Path bare, String branch) throws Exception {
        try (var repo = GitFixture.open(bare)) {
            RefUpdate update = repo.updateRef("refs/heads/" + branch);
            update.setNewObjectId(repo.resolve("refs/heads/main"));
            assertEquals(RefUpdate.Result.NEW, update.update());
        }
    }
}
