package dev.drover.local.stack;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Node.js example migrator ({@code migrators/examples/node-hello}), ready to run: for the tests that start it. */
public final class NodeExample {
    private NodeExample() {
    }

    /**
     * Its folder, with its packages installed as the lockfile pins them ({@code npm ci}, unless they already are); skips
     * the calling test, saying why, where {@code node} is not installed.
     */
    public static Path prepare() throws IOException, InterruptedException {
        Assumptions.assumeTrue(onPath("node"), "node is not installed: the Node.js example migrator is not tested "
                + "(apt-get install nodejs npm)");
        Path folder = folder();
        Path installed = folder.resolve("node_modules/.package-lock.json");
        Path lock = folder.resolve("package-lock.json");
        if (Files.exists(installed) && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
            return folder; // ./drover test (or an earlier run) installed them from this lockfile
        }
        assertTrue(onPath("npm"), "node is installed but npm is not: apt-get install npm (it installs the example's packages)");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error")
                .directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes());
        assertTrue(npm.waitFor(5, TimeUnit.MINUTES), "npm ci took more than 5 minutes");
        assertEquals(0, npm.exitValue(), "npm ci in " + folder + " failed:\n" + output);
        return folder;
    }

    private static Path folder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path folder = dir.resolve("migrators/examples/node-hello");
            if (Files.isRegularFile(folder.resolve("package.json"))) {
                return folder;
            }
        }
        throw new IllegalStateException("migrators/examples/node-hello is not above " + Path.of("").toAbsolutePath());
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
