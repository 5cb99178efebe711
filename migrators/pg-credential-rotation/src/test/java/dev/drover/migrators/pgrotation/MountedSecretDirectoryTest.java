package dev.drover.migrators.pgrotation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kubelet's layout of a mounted Secret, swapped at once, and confined to its root. */
class MountedSecretDirectoryTest {
    @TempDir
    Path root;

    private final Target target = new Target("billing", "billing", null, "", "", "", "billing");

    @Test
    void publishingLaysOutTheKubeletsMountAndSwapsItAtomically() throws Exception {
        MountedSecretDirectory secrets = new MountedSecretDirectory(root);
        assertTrue(secrets.publishedRole(target).isEmpty());

        secrets.publish(target, "billing_1", "first-password".toCharArray());
        Path folder = root.resolve("billing");
        Path first = Files.readSymbolicLink(folder.resolve("..data"));
        assertTrue(first.toString().matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+"), first.toString());
        assertEquals(Path.of("..data", "username"), Files.readSymbolicLink(folder.resolve("username")));
        assertEquals(Path.of("..data", "password"), Files.readSymbolicLink(folder.resolve("password")));
        assertEquals("first-password", Files.readString(folder.resolve("password")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(first).resolve("password"))));
        assertEquals("billing_1", secrets.publishedRole(target).orElseThrow());

        secrets.publish(target, "billing_2", "second-password".toCharArray());
        Path second = Files.readSymbolicLink(folder.resolve("..data"));
        assertTrue(!second.equals(first));
        assertEquals("billing_2", Files.readString(folder.resolve("username")));
        assertEquals("second-password", Files.readString(folder.resolve("password")));
        try (Stream<Path> entries = Files.list(folder)) {
            assertEquals(java.util.Set.of("..data", second.toString(), "username", "password"),
                         entries.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                         "the old publication is gone, no temporary link is left");
        }
    }

    @Test
    void aSecretNameCannotLeadOutOfTheRoot() {
        MountedSecretDirectory secrets = new MountedSecretDirectory(root.resolve("secrets"));
        Target escaping = new Target("billing", "billing", null, "", "", "", "../elsewhere");
        assertThrows(IllegalArgumentException.class, () -> secrets.publish(escaping, "billing_1", "x".toCharArray()));
        assertTrue(Files.notExists(root.resolve("elsewhere")));
    }
}
