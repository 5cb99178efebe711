package dev.drover.local.stack;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A taken port stops `./drover up` at once, in one line that names the port and the setting that moves it. */
class TakenPortsTest {
    @Test
    void theStackDoesNotStartOnATakenPortAndSaysWhichAndWhy() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                                                        "-cp", System.getProperty("java.class.path"), LocalStackMain.class.getName());
            builder.environment().put("DROVER_PORT", Integer.toString(port));
            builder.environment().put("DROVER_TEMPORAL_PORT", Integer.toString(FreePort.pick()));
            builder.environment().put("DROVER_DEMO_PORT", "-1");
            builder.redirectErrorStream(true);
            Process process = builder.start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the stack stopped by itself");
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, process.exitValue(), output);
            List<String> lines = output.lines().filter(l -> l.startsWith("drover: port " + port)).toList();
            assertEquals(1, lines.size(), output);
            assertTrue(lines.getFirst().contains("DROVER_PORT") && lines.getFirst().contains("taken"), lines.getFirst());
            assertTrue(!output.contains("Exception") && !output.contains("\tat "), "no stack trace: " + output);
        }
    }
}
