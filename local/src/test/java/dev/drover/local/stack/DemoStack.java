package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The local stack as {@code ./drover up} starts it, demo migrators included, on free ports, a key prefix
 * and a demo folder of its own; and the few HTTP calls the demo tests make against it.
 */
final class DemoStack implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final LocalStackSettings settings;
    private final LocalStack stack;

    private DemoStack(LocalStackSettings settings) {
        this.settings = settings;
        this.stack = LocalStack.start(settings);
    }

    static DemoStack start() {
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        return new DemoStack(LocalStackSettings.ephemeral(functions, FreePort.pick()));
    }

    LocalStack stack() {
        return stack;
    }

    Path demoDir() {
        return settings.demoDir();
    }

    static HttpResponse<String> send(URI uri, String method, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                 .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                              : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> api(String method, String path, Object body) throws Exception {
        return send(stack.apiUri().resolve(path), method, body);
    }

    JsonNode json(String path) throws Exception {
        return Json.mapper().readTree(api("GET", path, null).body());
    }

    /** Polls {@code GET path} until {@code done} holds; fails naming {@code what} and the last answer. */
    JsonNode await(String what, String path, Duration patience, Predicate<JsonNode> done) throws Exception {
        long until = System.nanoTime() + patience.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < until) {
            HttpResponse<String> answer = api("GET", path, null);
            if (answer.statusCode() == 200) {
                last = Json.mapper().readTree(answer.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
    }

    @Override
    public void close() throws IOException {
        stack.close();
        StackKeys.drop(stack.state());
        delete(settings.demoDir());
    }

    static void delete(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (var files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
