package dev.drover.migrators.pgrotation;

import dev.drover.migrator.Workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A folder per service laid out as the kubelet mounts a Secret, so a service reads it the same way here and in a
 * cluster: {@code <root>/<secret>/username} and {@code password} are symlinks through {@code ..data}, itself a
 * symlink to a timestamped folder holding the files. Publishing writes a new timestamped folder, then swaps
 * {@code ..data} with one rename: a reader sees the old pair or the new one, never half of each (the kubelet's
 * AtomicWriter does the same).
 */
public final class MountedSecretDirectory implements SecretDestination {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String DATA = "..data";
    private static final List<String> KEYS = List.of(USERNAME, PASSWORD);

    private final Path root;

    public MountedSecretDirectory(Path root) {
        this.root = root;
    }

    /** The service's folder: inside the root whatever the row names (a secret name is data, not a path). */
    public Path folder(Target target) throws IOException {
        return Workspace.resolve(root, target.secretName());
    }

    @Override
    public Optional<String> publishedRole(Target target) throws IOException {
        Path username = folder(target).resolve(USERNAME);
        return Files.exists(username) ? Optional.of(Files.readString(username).strip()).filter(s -> !s.isEmpty()) : Optional.empty();
    }

    @Override
    public void publish(Target target, String role, char[] password) throws IOException {
        Path folder = folder(target);
        Files.createDirectories(folder);
        Path data = newDataFolder(folder);
        write(data.resolve(USERNAME), role.toCharArray());
        write(data.resolve(PASSWORD), password);
        Path link = folder.resolve(DATA + "_tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, data.getFileName());
        Files.move(link, folder.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String key : KEYS) {
            Path visible = folder.resolve(key);
            if (!Files.isSymbolicLink(visible)) {
                Files.deleteIfExists(visible);
                Files.createSymbolicLink(visible, Path.of(DATA, key));
            }
        }
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path old : entries.filter(p -> p.getFileName().toString().startsWith("..20") && !p.equals(data)).toList()) {
                deleteTree(old);
            }
        }
    }

    @Override
    public String describe(Target target) {
        return "mounted secret " + root.resolve(target.secretName());
    }

    private static Path newDataFolder(Path folder) throws IOException {
        String stamp = ".." + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + ".";
        while (true) {
            Path data = folder.resolve(stamp + Math.abs(RANDOM.nextInt(1_000_000_000)));
            try {
                return Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // drawn twice in one second: draw again
            }
        }
    }

    private static void write(Path file, char[] value) throws IOException {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, array);
        } finally {
            Arrays.fill(array, (byte) 0);
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(path)) {
                for (Path child : children.toList()) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }
}
