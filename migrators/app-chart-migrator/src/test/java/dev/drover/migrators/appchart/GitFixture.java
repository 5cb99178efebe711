package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.run.StepEvent;
import dev.drover.migrator.StepContext;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Real bare repositories in a test's temp folder, and people who edit them. */
final class GitFixture {
    static final PersonIdent AUTHOR = new PersonIdent("Drover test", "test@drover.dev");
    static final String MIGRATION = AppChartMigration.ID;

    private GitFixture() {
    }

    private static Path template;

    /** The demo repository in {@code dir}: seeded once per test JVM, then copied (seeding is the slow part). */
    static LocalGitHost demoHost(Path dir) throws Exception {
        Path bare = dir.resolve(DemoGitOpsRepo.REPO_NAME);
        copy(template(), bare);
        return new LocalGitHost(bare, "main", "http://localhost/local-git/changes");
    }

    private static synchronized Path template() throws Exception {
        if (template == null) {
            Path folder = Files.createTempDirectory("drover-demo-template-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> GitWorkspace.delete(folder)));
            template = DemoGitOpsRepo.seed(folder);
        }
        return template;
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static ChartUpgrade demoUpgrade() {
        return ChartUpgrade.of(DemoGitOpsRepo.CHART, DemoGitOpsRepo.TARGET, DemoGitOpsRepo.KEY_RENAMES);
    }

    /** A person commits {@code files} straight to {@code branch} of the bare repository (a missing value deletes). */
    static void commit(Path bare, String branch, String message, Map<String, Optional<String>> files) throws Exception {
        Path work = Files.createTempDirectory("drover-test-edit-");
        try (Git git = Git.cloneRepository().setURI(bare.toString()).setDirectory(work.toFile()).setBranch(branch).call()) {
            for (var e : files.entrySet()) {
                Path file = work.resolve(e.getKey());
                if (e.getValue().isPresent()) {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, e.getValue().get());
                    git.add().addFilepattern(e.getKey()).call();
                } else {
                    git.rm().addFilepattern(e.getKey()).call();
                }
            }
            git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
            git.push().setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch)).call();
        } finally {
            GitWorkspace.delete(work);
        }
    }

    static void commit(Path bare, String message, String path, String content) throws Exception {
        commit(bare, "main", message, Map.of(path, Optional.of(content)));
    }

    static String read(Path bare, String branch, String path) throws Exception {
        try (Repository repo = open(bare); var walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(repo.resolve(Constants.R_HEADS + branch));
            try (var tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, path, commit.getTree())) {
                return tw == null ? null : new String(repo.open(tw.getObjectId(0)).getBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }

    static ObjectId tip(Path bare, String branch) throws Exception {
        try (Repository repo = open(bare)) {
            return repo.resolve(Constants.R_HEADS + branch);
        }
    }

    static List<String> branches(Path bare) throws Exception {
        try (Repository repo = open(bare)) {
            return repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS).stream()
                    .map(r -> r.getName().substring(Constants.R_HEADS.length())).sorted().toList();
        }
    }

    /** Commits on {@code branch} that main does not have. */
    static int commitsAhead(Path bare, String branch) throws Exception {
        try (Repository repo = open(bare); Git git = new Git(repo)) {
            List<RevCommit> commits = new ArrayList<>();
            git.log().addRange(repo.resolve(Constants.R_HEADS + "main"), repo.resolve(Constants.R_HEADS + branch)).call()
                    .forEach(commits::add);
            return commits.size();
        }
    }

    static Repository open(Path bare) throws Exception {
        return new FileRepositoryBuilder().setGitDir(bare.toFile()).setBare().setMustExist(true).build();
    }

    /** A step of the demo migration for one discovered candidate, as the platform would dispatch it. */
    static StepContext step(String type, DiscoveredCandidate candidate) {
        return step(type, candidate, Map.of());
    }

    static StepContext step(String type, DiscoveredCandidate candidate, Map<String, String> inputs) {
        var definition = AppChartMigration.definition(demoUpgrade());
        var step = definition.steps().stream().filter(s -> s.type().equals(type)).findFirst().orElseThrow();
        return new StepContext(MIGRATION, "run-1", new StepEvent.StepRef(step.name(), step.type(), step.config()),
                               new StepEvent.CandidateRef(candidate.id(), candidate.kind(), candidate.metadata(), candidate.files()),
                               inputs);
    }

    static DiscoveredCandidate candidate(List<DiscoveredCandidate> all, String id) {
        return all.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no candidate " + id + " in " + all.stream().map(DiscoveredCandidate::id).toList()));
    }
}
