package dev.drover.migrators.appchart;

import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The local git host from a shell: what a person reads and the exit status a script tests. */
class LocalGitHostCliTest {
    private static final String FILE = "values/ledger/dev.yaml";

    @TempDir
    Path dir;

    /** What one run printed and returned. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LocalGitHostCli.run(args, "main", new PrintStream(out, true, StandardCharsets.UTF_8),
                                         new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listsMergesAndClosesChangeRequests() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        String repo = host.repository().toString();
        changeOnBranch(host, "drover/m/clean", "other.yaml", "a: 1\n");
        changeOnBranch(host, "drover/m/conflict", FILE, "replicaCount: 9\n");
        GitFixture.commit(host.repository(), "main", "hotfix", Map.of(FILE, Optional.of("replicaCount: 4\n")));
        host.open("drover/m/clean", "clean", "");
        host.open("drover/m/conflict", "conflict", "");

        assertEquals(new Run(0, "#1  open  drover/m/clean\n#2  open  drover/m/conflict  (conflicts: " + FILE + ")\n", ""),
                     run("list", repo));
        assertEquals(new Run(0, "merged #1 (drover/m/clean)\n", ""), run("merge", repo, "drover/m/clean"));
        assertEquals("a: 1\n", GitFixture.read(host.repository(), "main", "other.yaml"));

        Run conflict = run("merge", repo, "2");
        assertEquals(List.of(1, ""), List.of(conflict.status(), conflict.out()));
        assertEquals("change request #2 (drover/m/conflict) conflicts with main in " + FILE
                             + "; update the branch so it merges, then merge again\n", conflict.err());
        assertEquals(new Run(0, "closed #2\n", ""), run("close", repo, "2"));
        assertEquals(new Run(1, "", "change request #2 is closed; it cannot be merged\n"), run("merge", repo, "2"));
        assertEquals(new Run(1, "", "no change request #9\n"), run("close", repo, "9"));
        assertEquals(new Run(2, "", "change request number must be a whole number, got 'two'\n"), run("close", repo, "two"));
        assertEquals("#1  merged  drover/m/clean\n#2  closed  drover/m/conflict\n", run("list", repo).out());
    }

    @Test
    void aCommandItDoesNotKnowOrMissingArgumentsPrintTheUsage() throws Exception {
        Run usage = new Run(2, "", LocalGitHostCli.USAGE + "\n");
        assertEquals(usage, run());
        assertEquals(usage, run("list"));
        assertEquals(usage, run("merge", dir.toString()));
        assertEquals(usage, run("close", dir.toString()));
        assertEquals(usage, run("push", dir.toString(), "1"));
        assertEquals(usage, run("list", dir.toString(), "extra"));
    }

    private static void changeOnBranch(LocalGitHost host, String branch, String path, String content) throws Exception {
        try (var repo = GitFixture.open(host.repository())) {
            RefUpdate update = repo.updateRef("refs/heads/" + branch);
            update.setNewObjectId(repo.resolve("refs/heads/main"));
            assertEquals(RefUpdate.Result.NEW, update.update());
        }
        GitFixture.commit(host.repository(), branch, "change", Map.of(path, Optional.of(content)));
    }
}
