package dev.drover.migrator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkspaceTest {
    @TempDir
    Path dir;

    @Test
    void pathsInsideTheWorkspaceResolve() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        assertEquals(root.resolve("alpha/HELLO.md"), Workspace.resolve(root, "alpha", "HELLO.md"));
        assertEquals(root.resolve("values/a/prod.yaml"), Workspace.resolve(root, "values/./a/prod.yaml"));
        assertEquals(root.resolve("a..b/c"), Workspace.resolve(root, "a..b", "c"), "'..' inside a name is just a name");
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("link"), root.resolve("real"));
        assertEquals(root.resolve("link/file"), Workspace.resolve(root, "link", "file"), "a symlink within the workspace is fine");
    }

    @Test
    void absolutePathsClimbingAndSymlinksOutAreRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("dangling"), dir.resolve("nowhere/file"));
        for (String[] parts : new String[][] {{"/etc/passwd"}, {"../outside"}, {"a", "../../outside"}, {"a/../../outside"},
                                              {"..\\outside"}, {""}, {"out", "HELLO.md"}, {"out"}, {"dangling"}, {"a\0b"}}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Workspace.resolve(root, parts),
                                                            String.join("|", parts));
            assertTrue(refused.getMessage().contains("refused") || refused.getMessage().contains("empty"), refused.getMessage());
        }
    }
}
