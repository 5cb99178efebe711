package dev.drover.migrators.appchart;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drover.contract.json.Json;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A code host made of a bare git repository in a folder, for the local stack and tests. A change request
 * is a branch plus a JSON record in {@code <repo>.changes/} beside the repository; merging is a real git
 * merge (a merge commit on main, refused on conflict) and tells the merge listeners, so the step waiting
 * for it can be re-triggered. Safe across threads and across processes (the CLI) through a lock file.
 */
public final class LocalGitHost implements CodeHost {
    private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final PersonIdent MERGER = new PersonIdent("Drover local git host", "local-git@drover.dev");

    private final Path repository;
    private final Path changes;
    private final String mainBranch;
    private final String linkBase;
    private final List<Consumer<ChangeRequest>> mergeListeners = new CopyOnWriteArrayList<>();

    /**
     * @param repository a bare repository folder (e.g. {@code /srv/git/gitops.git})
     * @param linkBase   where humans see a change request ({@code <linkBase>/<number>}, e.g. the
     *                   {@link LocalGitHostService}'s URL); blank → the record file's URI
     */
    public LocalGitHost(Path repository, String mainBranch, String linkBase) {
        this.repository = repository.toAbsolutePath().normalize();
        this.changes = this.repository.resolveSibling(this.repository.getFileName() + ".changes");
        this.mainBranch = mainBranch == null || mainBranch.isBlank() ? "main" : mainBranch;
        this.linkBase = linkBase == null ? "" : linkBase.replaceAll("/+$", "");
    }

    /** The stored record of one change request. */
    record LocalChange(int number, String branch, String title, String body, ChangeRequest.State state,
                       String mergeCommit, Instant createdAt, Instant updatedAt) {
    }

    /** Called after every merge, with the merged change request; a failing listener does not undo the merge. */
    public void addMergeListener(Consumer<ChangeRequest> listener) {
        mergeListeners.add(listener);
    }

    public Path repository() {
        return repository;
    }

    @Override
    public GitRemote remote() {
        return GitRemote.anonymous(repository.toString(), mainBranch);
    }

    @Override
    public Optional<ChangeRequest> findByBranch(String branch) throws IOException {
        return locked(() -> latestFor(branch).map(this::view));
    }

    @Override
    public ChangeRequest open(String branch, String title, String body) throws IOException {
        return locked(() -> {
            Optional<LocalChange> existing = latestFor(branch).filter(c -> c.state() == ChangeRequest.State.OPEN);
            if (existing.isPresent()) { // the host itself never holds two open change requests for a branch
                return view(existing.get());
            }
            try (Repository repo = open()) {
                if (repo.resolve(Constants.R_HEADS + branch) == null) {
                    throw new IOException("cannot open a change request for branch " + branch + ": " + repository
                                                  + " has no such branch; push it first");
                }
            }
            int number = records().stream().mapToInt(LocalChange::number).max().orElse(0) + 1;
            Instant now = Instant.now();
            LocalChange change = new LocalChange(number, branch, title, body, ChangeRequest.State.OPEN, null, now, now);
            write(change);
            return view(change);
        });
    }

    @Override
    public String fileUrl(String branch, String path) {
        return "";
    }

    public List<ChangeRequest> list() throws IOException {
        return locked(() -> records().stream().map(this::view).toList());
    }

    public Optional<ChangeRequest> get(int number) throws IOException {
        return locked(() -> read(number).map(this::view));
    }

    /**
     * Merges change request {@code number} into main with a merge commit, as a reviewer pressing "merge"
     * would. Merging a merged one again returns it unchanged (no second commit, no second event).
     *
     * @throws MergeConflict            when the branch conflicts with main (main is left untouched)
     * @throws IllegalArgumentException when there is no such change request, or it was closed
     */
    public ChangeRequest merge(int number) throws IOException, MergeConflict {
        ChangeRequest merged;
        try {
            merged = locked(() -> {
                LocalChange change = read(number).orElseThrow(() -> new IllegalArgumentException(
                        "no change request #" + number + " in " + repository));
                if (change.state() == ChangeRequest.State.MERGED) {
                    return null;
                }
                if (change.state() == ChangeRequest.State.CLOSED) {
                    throw new IllegalArgumentException("change request #" + number + " is closed; it cannot be merged");
                }
                String commit = mergeIntoMain(change);
                LocalChange done = new LocalChange(change.number(), change.branch(), change.title(), change.body(),
                                                   ChangeRequest.State.MERGED, commit, change.createdAt(), Instant.now());
                write(done);
                return view(done);
            });
        } catch (UncheckedMergeConflict e) {
            throw e.conflict;
        }
        if (merged == null) {
            return get(number).orElseThrow();
        }
        for (Consumer<ChangeRequest> listener : mergeListeners) {
            try {
                listener.accept(merged);
            } catch (RuntimeException e) {
                System.getLogger(LocalGitHost.class.getName()).log(System.Logger.Level.WARNING,
                        "merge listener failed for change request #" + number, e);
            }
        }
        return merged;
    }

    /** Merges the open change request of {@code branch}. */
    public ChangeRequest mergeBranch(String branch) throws IOException, MergeConflict {
        ChangeRequest change = findByBranch(branch).orElseThrow(() -> new IllegalArgumentException(
                "no change request for branch " + branch + " in " + repository));
        return merge(Integer.parseInt(change.id()));
    }

    /** Closes an open change request without merging it (a reviewer rejecting it). */
    public ChangeRequest close(int number) throws IOException {
        return locked(() -> {
            LocalChange change = read(number).orElseThrow(() -> new IllegalArgumentException("no change request #" + number));
            if (change.state() != ChangeRequest.State.OPEN) {
                return view(change);
            }
            LocalChange closed = new LocalChange(change.number(), change.branch(), change.title(), change.body(),
                                                 ChangeRequest.State.CLOSED, null, change.createdAt(), Instant.now());
            write(closed);
            return view(closed);
        });
    }

    private String mergeIntoMain(LocalChange change) throws IOException {
        try (Repository repo = open(); RevWalk walk = new RevWalk(repo)) {
            RevCommit main = walk.parseCommit(repo.resolve(Constants.R_HEADS + mainBranch));
            ObjectId branchId = repo.resolve(Constants.R_HEADS + change.branch());
            if (branchId == null) {
                throw new IllegalArgumentException("change request #" + change.number() + ": branch " + change.branch() + " is gone");
            }
            RevCommit branch = walk.parseCommit(branchId);
            if (walk.isMergedInto(branch, main)) {
                return main.name(); // already on main: nothing to merge
            }
            ResolveMerger merger = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(repo, true);
            if (!merger.merge(main, branch)) {
                List<String> files = conflicts(merger);
                throw new UncheckedMergeConflict(new MergeConflict(
                        "change request #" + change.number() + " (" + change.branch() + ") conflicts with " + mainBranch
                                + " in " + String.join(", ", files) + "; update the branch so it merges, then merge again", files));
            }
            try (ObjectInserter inserter = repo.newObjectInserter()) {
                PersonIdent ident = new PersonIdent(MERGER, Instant.now(), java.time.ZoneOffset.UTC);
                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(merger.getResultTreeId());
                commit.setParentIds(main, branch);
                commit.setAuthor(ident);
                commit.setCommitter(ident);
                commit.setMessage("Merge change request #" + change.number() + " from " + change.branch() + "\n\n" + change.title() + "\n");
                ObjectId id = inserter.insert(commit);
                inserter.flush();
                RefUpdate update = repo.updateRef(Constants.R_HEADS + mainBranch);
                update.setExpectedOldObjectId(main);
                update.setNewObjectId(id);
                update.setRefLogMessage("merge change request #" + change.number(), false);
                RefUpdate.Result result = update.update(walk);
                if (result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NEW) {
                    throw new IOException("could not move " + mainBranch + " in " + repository + ": " + result + "; merge again");
                }
                return id.name();
            }
        }
    }

    /** Whether the open change request still merges cleanly, by a merge in memory that writes no ref. */
    private ChangeRequest view(LocalChange change) {
        Boolean mergeable = null;
        List<String> conflicts = List.of();
        if (change.state() == ChangeRequest.State.OPEN) {
            try (Repository repo = open(); RevWalk walk = new RevWalk(repo)) {
                ObjectId branchId = repo.resolve(Constants.R_HEADS + change.branch());
                ObjectId mainId = repo.resolve(Constants.R_HEADS + mainBranch);
                if (branchId != null && mainId != null) {
                    ResolveMerger merger = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(repo, true);
                    mergeable = merger.merge(walk.parseCommit(mainId), walk.parseCommit(branchId));
                    conflicts = mergeable ? List.of() : conflicts(merger);
                } else {
                    mergeable = false;
                }
            } catch (IOException e) {
                mergeable = null; // unknown: the waiting step keeps waiting rather than failing on a hiccup
            }
        }
        String url = linkBase.isEmpty() ? recordFile(change.number()).toUri().toString() : linkBase + "/" + change.number();
        return new ChangeRequest(Integer.toString(change.number()), change.branch(), url, change.state(), mergeable, conflicts);
    }

    private static List<String> conflicts(ResolveMerger merger) {
        TreeSet<String> files = new TreeSet<>(merger.getUnmergedPaths());
        if (merger.getFailingPaths() != null) {
            files.addAll(merger.getFailingPaths().keySet());
        }
        return List.copyOf(files);
    }

    private Optional<LocalChange> latestFor(String branch) throws IOException {
        List<LocalChange> mine = records().stream().filter(c -> c.branch().equals(branch)).toList();
        return mine.stream().filter(c -> c.state() == ChangeRequest.State.OPEN).findFirst()
                .or(() -> mine.stream().max(Comparator.comparingInt(LocalChange::number)));
    }

    private List<LocalChange> records() throws IOException {
        if (!Files.isDirectory(changes)) {
            return List.of();
        }
        List<LocalChange> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(changes)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                all.add(Json.mapper().readValue(file.toFile(), new TypeReference<LocalChange>() { }));
            }
        }
        all.sort(Comparator.comparingInt(LocalChange::number));
        return all;
    }

    private Optional<LocalChange> read(int number) throws IOException {
        Path file = recordFile(number);
        return Files.exists(file) ? Optional.of(Json.mapper().readValue(file.toFile(), LocalChange.class)) : Optional.empty();
    }

    private void write(LocalChange change) throws IOException {
        Files.createDirectories(changes);
        Path tmp = changes.resolve(change.number() + ".json.tmp");
        Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(change));
        Files.move(tmp, recordFile(change.number()), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                   java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Path recordFile(int number) {
        return changes.resolve(number + ".json");
    }

    private Repository open() throws IOException {
        if (!Files.isDirectory(repository)) {
            throw new IOException(repository + " is not a git repository folder");
        }
        return new FileRepositoryBuilder().setGitDir(repository.toFile()).setBare().setMustExist(true).build();
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    /** One writer at a time: threads of this JVM through a monitor, other processes through a file lock. */
    private <T> T locked(Locked<T> action) throws IOException {
        synchronized (JVM_LOCKS.computeIfAbsent(changes, p -> new Object())) {
            Files.createDirectories(changes);
            try (FileChannel channel = FileChannel.open(changes.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                return action.run();
            }
        }
    }

    /** Carries a {@link MergeConflict} out of the locked section, which only lets IOExceptions through. */
    private static final class UncheckedMergeConflict extends RuntimeException {
        private final MergeConflict conflict;

        UncheckedMergeConflict(MergeConflict conflict) {
            super(conflict.getMessage(), null, false, false);
            this.conflict = conflict;
        }
    }
}
