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

        HttpResponse<String> preview = demo.api().call("POST", "/migrations/hello-world/dry-run", Map.of("candidateId", "project-03"));
        assertEquals(200, preview.statusCode(), preview.body());
        JsonNode steps = dev.drover.core.json.Json.mapper().readTree(preview.body()).get("steps");
        assertEquals("new", steps.get(0).get("changes").get(0).get("status").asText());
        assertEquals("Hello, project-03!\n", steps.get(0).get("changes").get(0).get("after").asText());
        assertEquals("modified", steps.get(1).get("changes").get(0).get("status").asText());
        Path hello = demo.demoDir().resolve("hello").resolve("project-03").resolve("HELLO.md");
        assertTrue(Files.notExists(hello), "a dry-run writes nothing");

        assertEquals(202, demo.api().call("POST", "/migrations/hello-world/candidates/project-03/start", null).statusCode());
        demo.api().await("project-03 completed", "/migrations/hello-world/candidates/project-03", Duration.ofSeconds(60),
                   c -> c.get("status").asText().equals("completed"));
        assertEquals("Hello, project-03!\n-- the Drover fleet\n", Files.readString(hello));
    }
}
