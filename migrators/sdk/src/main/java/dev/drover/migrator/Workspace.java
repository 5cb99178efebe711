package dev.drover.migrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Keeps a step's files inside its workspace. A step event's content (candidate ids, file paths, metadata,
 * inputs) is the platform's and the operators', not the migrator's: a candidate id of {@code ../../etc} must
 * never become a path outside the folder the migrator works in.
 */
public final class Workspace {
    private Workspace() {
    }

    /**
     * {@code root} with {@code parts} appended (each one relative, may contain '/'), refused with an
     * {@link IllegalArgumentException} when a part is empty, absolute or contains {@code ..}, or when the result
     * is outside {@code root}: lexically, or, for the part of it that exists, once symlinks are followed.
     *
     * @return the normalized absolute path (its last elements need not exist yet)
     */
    public static Path resolve(Path root, String... parts) {
        Path base = root.toAbsolutePath().normalize();
        Path result = base;
        for (String part : parts) {
            result = result.resolve(checked(part));
        }
        result = result.normalize();
        if (!result.startsWith(base)) {
            throw outside(String.join("/", parts), "it leaves " + base);
        }
        if (Files.exists(base)) {
            requireRealPathInside(base, result, String.join("/", parts));
        }
        return result;
    }

    private static String checked(String part) {
        if (part == null || part.isEmpty()) {
            throw new IllegalArgumentException("an empty path cannot name a file in the workspace");
        }
        String slashed = part.replace('\\', '/');
        if (slashed.startsWith("/") || slashed.matches("^[A-Za-z]:.*")) {
            throw outside(part, "it is absolute");
        }
        for (String segment : slashed.split("/")) {
            if (segment.equals("..")) {
                throw outside(part, "it climbs out with '..'");
            }
        }
        try {
            if (Path.of(part).isAbsolute()) {
                throw outside(part, "it is absolute");
            }
        } catch (InvalidPathException e) {
            throw outside(part, "it is no path here (" + e.getReason() + ")");
        }
        return part;
    }

    /**
     * The deepest part of {@code result} that exists must really be inside {@code base}: a symlink in the workspace
     * (say, committed to a repository) must not lead a read or a write elsewhere. A dangling symlink is refused too,
     * since writing through it would create its target, wherever that is.
     */
    private static void requireRealPathInside(Path base, Path result, String named) {
        Path existing = result;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        try {
            if (!existing.toRealPath().startsWith(base.toRealPath())) {
                throw outside(named, "a symlink leads out of " + base);
            }
        } catch (IOException e) {
            throw outside(named, "a symlink on the way leads nowhere");
        }
    }

    private static IllegalArgumentException outside(String path, String why) {
        String shown = path == null ? "" : path.replaceAll("\\p{Cntrl}", "?");
        return new IllegalArgumentException("path '" + (shown.length() > 200 ? shown.substring(0, 200) + "..." : shown)
                + "' is refused: " + why + "; a step only touches files inside its workspace");
    }
}
