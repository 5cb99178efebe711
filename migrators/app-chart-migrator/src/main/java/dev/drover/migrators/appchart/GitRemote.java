package dev.drover.migrators.appchart;

import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * A git repository to clone and push: its URL (any URL JGit speaks: a folder, file://, https://, ssh),
 * its main branch, and the credentials to use (none for a local folder).
 */
public record GitRemote(String url, String mainBranch, String username, String token) {
    public GitRemote {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a git repository URL is required");
        }
        mainBranch = mainBranch == null || mainBranch.isBlank() ? "main" : mainBranch;
    }

    public static GitRemote anonymous(String url, String mainBranch) {
        return new GitRemote(url, mainBranch, null, null);
    }

    /** For GitHub: an installation or personal token as the password of user {@code x-access-token}. */
    public static GitRemote withToken(String url, String mainBranch, String token) {
        return new GitRemote(url, mainBranch, "x-access-token", token);
    }

    CredentialsProvider credentials() {
        return token == null || token.isBlank() ? null : new UsernamePasswordCredentialsProvider(username, token);
    }

    @Override
    public String toString() { // never print the token
        return url + " (" + mainBranch + ")";
    }
}
