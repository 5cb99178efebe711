package dev.drover.migrators.appchart;

import dev.drover.migrator.FileSource;

import java.util.Optional;

/** A dry-run's view of the repository before any step: a fresh clone of main, deleted on close. */
public final class GitFileSource implements FileSource {
    private final GitWorkspace workspace;

    private GitFileSource(GitWorkspace workspace) {
        this.workspace = workspace;
    }

    public static GitFileSource open(GitRemote remote) throws GitFailure {
        return new GitFileSource(GitWorkspace.cloneMain(remote));
    }

    /** The clone's folder (removed on close). */
    public java.nio.file.Path dir() {
        return workspace.dir();
    }

    @Override
    public Optional<String> read(String path) throws Exception {
        return workspace.read(path);
    }

    @Override
    public void close() {
        workspace.close();
    }
}
