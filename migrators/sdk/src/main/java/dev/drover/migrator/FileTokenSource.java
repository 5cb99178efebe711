package dev.drover.migrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * A token kept in a file, such as a Kubernetes projected ServiceAccount token. The kubelet replaces the file
 * (through a symlink swap) well before the token expires, so every call looks at the file and reads it again
 * when its identity, size or modification time changed; an unchanged file costs one stat.
 */
final class FileTokenSource implements TokenSource {
    /** Longer than any real token: a wrong path (a log, a binary) is refused, not sent. */
    private static final long MAX_BYTES = 16 * 1024;

    private record Read(Object fileKey, long size, FileTime modified, String token) {
        boolean same(BasicFileAttributes now) {
            return Objects.equals(fileKey, now.fileKey()) && size == now.size() && modified.equals(now.lastModifiedTime());
        }
    }

    private final Path file;
    private volatile Read last;

    FileTokenSource(Path file) {
        this.file = file;
    }

    @Override
    public String token() throws IOException {
        BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class); // follows the kubelet's symlinks
        Read cached = last;
        if (cached != null && cached.same(now)) {
            return cached.token;
        }
        if (now.size() > MAX_BYTES) {
            throw new IOException(file + " holds " + now.size() + " bytes: not a token (DROVER_TOKEN_FILE)");
        }
        String token = Files.readString(file).strip();
        if (token.isEmpty()) {
            throw new IOException(file + " is empty: no token to send (DROVER_TOKEN_FILE)");
        }
        // Had the file changed between the stat and the read, the next call sees other attributes and reads again.
        last = new Read(now.fileKey(), now.size(), now.lastModifiedTime(), token);
        return token;
    }

    @Override
    public String toString() {
        return "token file " + file;
    }
}
