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

    @Test
    void aRefusalNamesThePathPrintablyAndAtMostTwoHundredCharactersOfIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        String tail = "; a step only touches files inside its workspace";
        assertEquals("path '/etc/passwd' is refused: it is absolute" + tail,
                     assertThrows(IllegalArgumentException.class, () -> Workspace.resolve(root, "/etc/passwd")).getMessage());
        assertEquals("path '../x\u001b[2J' is refused: it climbs out with '..'".replace("\u001b", "?") + tail,
                     assertThrows(IllegalArgumentException.class, () -> Workspace.resolve(root, "../x\u001b[2J")).getMessage(),
                     "a terminal escape in a path is not passed on to the log that shows it");
        String longest = "../" + "a".repeat(197);
        assertEquals("path '" + longest + "' is refused: it climbs out with '..'" + tail,
                     assertThrows(IllegalArgumentException.class, () -> Workspace.resolve(root, longest)).getMessage());
        assertEquals("path '" + longest + "...' is refused: it climbs out with '..'" + tail,
                     assertThrows(IllegalArgumentException.class, () -> Workspace.resolve(root, longest + "b")).getMessage());
    }
}
