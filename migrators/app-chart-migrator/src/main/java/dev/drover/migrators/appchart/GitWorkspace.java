package dev.drover.migrators.appchart;

import dev.drover.migrator.Workspace;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fresh clone of a remote's main branch in a temporary folder, deleted on close. Every step starts
 * from one, so a step never trusts state left on disk by an earlier, possibly crashed, attempt.
 * <p>
 * Paths come from candidates (the platform's step event) and from the repository's own manifests (values
 * files), so none is trusted: every file read or written is confined to the clone's working tree by
 * {@link Workspace#resolve} (no absolute path, no {@code ..}, no symlink out), and never inside {@code .git}.
 */
public final class GitWorkspace implements AutoCloseable {
    private static final String ORIGIN = "origin";

    private final GitRemote remote;
    private final Path dir;
    private final Git git;

    private GitWorkspace(GitRemote remote, Path dir, Git git) {
        this.remote = remote;
        this.dir = dir;
        this.git = git;
    }

    /** Clones {@code remote}'s main branch; failing to, names the URL and what to check. */
    public static GitWorkspace cloneMain(GitRemote remote) throws GitFailure {
        Path dir;
        try {
            dir = Files.createTempDirectory("drover-gitops-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Git git = Git.cloneRepository()
                    .setURI(remote.url())
                    .setDirectory(dir.toFile())
                    .setBranch(Constants.R_HEADS + remote.mainBranch())
                    .setBranchesToClone(List.of(Constants.R_HEADS + remote.mainBranch()))
                    .setCredentialsProvider(remote.credentials())
                    .call();
            if (git.getRepository().resolve(Constants.HEAD) == null) {
                git.close();
                throw new GitFailure("cannot clone " + remote.url() + ": it has no branch '" + remote.mainBranch()
                                             + "'; set the main branch of the GitOps repository", null);
            }
            return new GitWorkspace(remote, dir, git);
        } catch (GitAPIException | IOException | RuntimeException e) {
            delete(dir);
            throw new GitFailure("cannot clone " + remote.url() + ": " + rootMessage(e)
                                         + "; check that the URL is right, reachable from the migrator, and that its credentials may read it", e);
        } catch (GitFailure e) {
            delete(dir);
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public GitRemote remote() {
        return remote;
    }

    /**
     * A file of the checked-out tree, by repository-relative path; empty when there is none.
     *
     * @throws IllegalArgumentException when the path leads outside the working tree or into {@code .git}
     */
    public Optional<String> read(String path) throws IOException {
        Path file = file(path);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(file));
    }

    /** The working tree's file at {@code path}, refused when it is not in the working tree (git's own files are not). */
    private Path file(String path) {
        for (String segment : path.replace('\\', '/').split("/")) {
            if (segment.toLowerCase(Locale.ROOT).equals(".git")) {
                throw new IllegalArgumentException("path '" + path + "' is refused: it names git's own files, not the repository's");
            }
        }
        return Workspace.resolve(dir, path);
    }

    /** Repository-relative paths of the checked-out files below {@code folder} (none if it is absent). */
    public List<String> list(String folder) throws IOException {
        Path root = file(folder);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            // Symlinks are not listed: one committed to the repository could point anywhere on the migrator's disk.
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    public ObjectId mainTip() throws IOException {
        return git.getRepository().resolve(Constants.R_HEADS + remote.mainBranch());
    }

    /** The remote's tip of {@code branch}, fetched into this clone, or empty when the remote has no such branch. */
    public Optional<ObjectId> fetchBranch(String branch) throws GitFailure {
        try {
            String ref = Constants.R_HEADS + branch;
            boolean exists = git.lsRemote().setRemote(ORIGIN).setHeads(true).setCredentialsProvider(remote.credentials())
                    .call().stream().map(Ref::getName).anyMatch(ref::equals);
            if (!exists) {
                return Optional.empty();
            }
            String tracking = Constants.R_REMOTES + ORIGIN + "/" + branch;
            git.fetch().setRemote(ORIGIN).setCredentialsProvider(remote.credentials())
                    .setRefSpecs(new RefSpec("+" + ref + ":" + tracking)).call();
            return Optional.ofNullable(git.getRepository().resolve(tracking));
        } catch (GitAPIException | IOException e) {
            throw new GitFailure("cannot fetch branch " + branch + " from " + remote.url() + ": " + rootMessage(e), e);
        }
    }

    /** A file's content at {@code commit}, or empty when it does not exist there. */
    public Optional<String> readAt(ObjectId commit, String path) throws IOException {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(commit);
            try (TreeWalk tw = TreeWalk.forPath(repo, path, c.getTree())) {
                if (tw == null) {
                    return Optional.empty();
                }
                try (ObjectReader reader = repo.newObjectReader()) {
                    return Optional.of(new String(reader.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** The common ancestor of two commits, or empty when they share no history. */
    public Optional<ObjectId> mergeBase(ObjectId a, ObjectId b) throws IOException {
        try (RevWalk walk = new RevWalk(git.getRepository())) {
            walk.setRevFilter(RevFilter.MERGE_BASE);
            walk.markStart(walk.parseCommit(a));
            walk.markStart(walk.parseCommit(b));
            RevCommit base = walk.next();
            return Optional.ofNullable(base).map(RevCommit::copy);
        }
    }

    /**
     * Points {@code branch} at one new commit on top of main holding {@code contents}, and force-pushes it:
     * the branch is derived from main each time it must change, so it always merges cleanly when pushed.
     */
    public ObjectId commitOnMainAndPush(String branch, Map<String, String> contents, String message, PersonIdent author)
            throws GitFailure {
        try {
            git.checkout().setCreateBranch(true).setForced(true).setName(branch)
                    .setStartPoint(Constants.R_HEADS + remote.mainBranch()).call();
            for (var e : contents.entrySet()) {
                Path file = file(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                git.add().addFilepattern(e.getKey()).call();
            }
            RevCommit commit = git.commit().setMessage(message).setAuthor(author).setCommitter(author).call();
            Iterable<PushResult> results = git.push().setRemote(ORIGIN).setCredentialsProvider(remote.credentials())
                    .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + branch + ":" + Constants.R_HEADS + branch))
                    .setForce(true).call();
            for (PushResult result : results) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    if (update.getStatus() != RemoteRefUpdate.Status.OK
                            && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        throw new GitFailure("push of branch " + branch + " to " + remote.url() + " was refused ("
                                                     + update.getStatus() + (update.getMessage() == null ? "" : ": " + update.getMessage())
                                                     + "); check that the credentials may push branches", null);
                    }
                }
            }
            return commit.copy();
        } catch (GitAPIException | IOException e) {
            throw new GitFailure("cannot push branch " + branch + " to " + remote.url() + ": " + rootMessage(e)
                                         + "; check that the credentials may push branches", e);
        }
    }

    @Override
    public void close() {
        git.close();
        delete(dir);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.replaceAll("[.\\s]+$", "");
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless; never hide the step's own outcome for it
        }
    }
}
