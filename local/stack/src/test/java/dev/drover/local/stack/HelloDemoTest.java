package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local stack as {@code ./drover up} starts it, demo included: the SDK's hello-world migrator
 * announces itself, discovers its project folders, previews and runs them through the whole stack.
 */
class HelloDemoTest {
    private static DemoStack demo;

    @BeforeAll
    static void start() {
        demo = DemoStack.start();
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        demo.close();
    }

    @Test
    void theDemoMigratorIsDiscoveredPreviewedAndRunToCompletion() throws Exception {
        demo.api().await("hello-world's 12 candidates", "/migrations/hello-world", Duration.ofSeconds(60),
                   m -> m.get("candidates").get("total").asLong() == 12);

        HttpResponse<String> preview = demo.api().call("POST", "/migrations/hello-world/dry-run", Map.of("candidateId", "project-05"));
        assertEquals(200, preview.statusCode(), preview.body());
        JsonNode steps = dev.drover.contract.json.Json.mapper().readTree(preview.body()).get("steps");
        assertEquals("new", steps.get(0).get("changes").get(0).get("status").asText());
        assertEquals("Hello, project-05!\n", steps.get(0).get("changes").get(0).get("after").asText());
        assertEquals("modified", steps.get(1).get("changes").get(0).get("status").asText());
        Path hello = demo.demoDir().resolve("hello").resolve("project-05").resolve("HELLO.md");
        assertTrue(Files.notExists(hello), "a dry-run writes nothing");

        assertEquals(202, demo.api().call("POST", "/migrations/hello-world/candidates/project-05/start", null).statusCode());
        demo.api().await("project-05 completed", "/migrations/hello-world/candidates/project-05", Duration.ofSeconds(60),
                   c -> c.get("status").asText().equals("completed"));
        assertEquals("Hello, project-05!\n-- the Drover fleet\n", Files.readString(hello));
    }

    /** The README's cancel and retry-step, on the two demo projects made for them. */
    @Test
    void aSlowProjectCanBeCancelledAndALockedOneRetried() throws Exception {
        demo.api().await("hello-world's 12 candidates", "/migrations/hello-world", Duration.ofSeconds(60),
                         m -> m.get("candidates").get("total").asLong() == 12);
        String slow = "/migrations/hello-world/candidates/project-02";
        assertEquals(202, demo.api().call("POST", slow + "/start", null).statusCode());
        demo.api().await("project-02's first step dispatched", slow + "/steps", Duration.ofSeconds(30),
                         s -> s.get("steps").get(0).get("status").asText().equals("dispatched"));
        HttpResponse<String> cancelled = demo.api().call("POST", slow + "/cancel", null);
        assertTrue(cancelled.statusCode() == 200 || cancelled.statusCode() == 202, "cancel while it runs: " + cancelled.body());
        demo.api().await("project-02 back to not started", slow, Duration.ofSeconds(30),
                         c -> c.get("status").asText().equals("not_started"));

        String locked = "/migrations/hello-world/candidates/project-03";
        assertEquals(202, demo.api().call("POST", locked + "/start", null).statusCode());
        demo.api().await("project-03 failed", locked, Duration.ofSeconds(30), c -> c.get("status").asText().equals("failed"));
        assertTrue(demo.api().get(locked + "/steps").get("steps").get(0).get("message").asText().contains("LOCKED"));
        HttpResponse<String> retried = demo.api().call("POST", locked + "/retry-step", null);
        assertEquals(202, retried.statusCode(), "retry after a step failed: " + retried.body());
        demo.api().await("project-03 completed", locked, Duration.ofSeconds(30), c -> c.get("status").asText().equals("completed"));
    }
}
