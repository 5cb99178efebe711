package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.core.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local stack as {@code ./drover up} starts it, demo included: the SDK's hello-world migrator
 * announces itself, discovers its project folders, previews and runs them through the whole stack.
 */
class HelloDemoTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalStack stack;
    private static LocalStackSettings settings;

    @BeforeAll
    static void start() {
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        settings = LocalStackSettings.ephemeral(functions, FreePort.pick());
        stack = LocalStack.start(settings);
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        stack.close();
        StackKeys.drop(stack.state());
        try (var files = Files.walk(settings.demoDir())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static HttpResponse<String> send(String method, String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve(path)).header("Content-Type", "application/json")
                                 .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                              : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode await(String what, String path, java.util.function.Predicate<JsonNode> done) throws Exception {
        long until = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < until) {
            HttpResponse<String> answer = send("GET", path, null);
            if (answer.statusCode() == 200) {
                JsonNode node = Json.mapper().readTree(answer.body());
                if (done.test(node)) {
                    return node;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    @Test
    void theDemoMigratorIsDiscoveredPreviewedAndRunToCompletion() throws Exception {
        await("hello-world's 12 candidates", "/migrations/hello-world", m -> m.get("candidates").get("total").asLong() == 12);

        HttpResponse<String> preview = send("POST", "/migrations/hello-world/dry-run", Map.of("candidateId", "project-03"));
        assertEquals(200, preview.statusCode(), preview.body());
        JsonNode steps = Json.mapper().readTree(preview.body()).get("steps");
        assertEquals("new", steps.get(0).get("changes").get(0).get("status").asText());
        assertEquals("Hello, project-03!\n", steps.get(0).get("changes").get(0).get("after").asText());
        assertEquals("modified", steps.get(1).get("changes").get(0).get("status").asText());
        Path hello = settings.demoDir().resolve("hello").resolve("project-03").resolve("HELLO.md");
        assertTrue(Files.notExists(hello), "a dry-run writes nothing");

        assertEquals(202, send("POST", "/migrations/hello-world/candidates/project-03/start", null).statusCode());
        await("project-03 completed", "/migrations/hello-world/candidates/project-03", c -> c.get("status").asText().equals("completed"));
        assertEquals("Hello, project-03!\n-- the Drover fleet\n", Files.readString(hello));
    }
}
