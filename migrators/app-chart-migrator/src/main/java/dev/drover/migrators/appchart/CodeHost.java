package dev.drover.migrators.appchart;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the GitOps repository lives and change requests are reviewed: the one port the steps need.
 * Implementations: {@link LocalGitHost} (bare repositories in a folder) and {@link GitHubHost}.
 */
public interface CodeHost {
    /** The repository to clone and push, with the credentials to do it. */
    GitRemote remote();

    /**
     * The change request for {@code branch}: the open one when there is one, else the latest merged or
     * closed one; empty when none was ever opened. Re-running a step looks here before opening one.
     */
    Optional<ChangeRequest> findByBranch(String branch) throws IOException;

    /** Opens a change request proposing {@code branch} for the main branch. */
    ChangeRequest open(String branch, String title, String body) throws IOException;

    /** A link to a file on a branch for humans, or an empty string when the host has none. */
    String fileUrl(String branch, String path);
}
