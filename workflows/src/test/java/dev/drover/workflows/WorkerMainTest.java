package dev.drover.workflows;

import dev.drover.contract.signing.SigningKeys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's main as the deployment runs it, in a process of its own: a setting it cannot use is named on one line
 * and the process exits with 2, before it connects to anything.
 */
class WorkerMainTest {
    private record Exit(int code, String stderr) {
    }

    private static Exit run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                                    "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName());
        builder.environment().keySet().removeIf(name -> name.startsWith("DROVER_") || name.startsWith("REDIS_")
                || name.startsWith("HISTORY_") || name.startsWith("TEMPORAL_"));
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertTrue(ended, "the worker kept running with a setting it cannot use");
        return new Exit(process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aMalformedRedisUrlIsNamed() throws Exception {
        Exit exit = run(Map.of("REDIS_URL", "ftp://cache", SigningKeys.ENV, SigningKeys.generate().secretJson()));
        assertEquals(2, exit.code(), exit.stderr());
        assertTrue(exit.stderr().contains("drover: REDIS_URL=ftp://cache is not a redis:// or rediss:// URL"), exit.stderr());
    }

    @Test
    void aMissingSigningKeyIsNamed() throws Exception {
        Exit exit = run(Map.of());
        assertEquals(2, exit.code(), exit.stderr());
        assertTrue(exit.stderr().contains("drover: " + SigningKeys.ENV + " is not set"), exit.stderr());
    }

    @Test
    void aMalformedDefaultStepDeadlineIsNamed() throws Exception {
        Exit exit = run(Map.of(StepDeadlines.VARIABLE, "a week", SigningKeys.ENV, SigningKeys.generate().secretJson()));
        assertEquals(2, exit.code(), exit.stderr());
        assertTrue(exit.stderr().contains("drover: " + StepDeadlines.VARIABLE + "=a week is not an ISO-8601 duration"), exit.stderr());
    }

    @Test
    void stepEventsNameTheCallbackUrlGivenOrTheLocalStacks() {
        assertEquals("https://drover-api.example", WorkerMain.callbackUrl(Map.of("DROVER_CALLBACK_URL", "https://drover-api.example")));
        assertEquals("http://127.0.0.1:8080", WorkerMain.callbackUrl(Map.of()));
    }
}
