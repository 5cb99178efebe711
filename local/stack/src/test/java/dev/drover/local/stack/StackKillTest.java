package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.contract.json.Json;
import dev.drover.core.state.RedisState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue's crash: `./drover up` (LocalStackMain, in its own process, its history an H2 file, its demo migrators
 * in it) killed with SIGKILL while runs are in flight, then started again on the same Redis and history file.
 * What history had acknowledged before the kill is still there, and once the restarted stack has caught up its
 * totals agree with Redis: every completed run counted, none left active.
 */
class StackKillTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final Path home = Files.createTempDirectory("drover-kill-");
    private final String prefix = "drover-test-" + UUID.randomUUID() + ":";
    private Process stack;

    StackKillTest() throws IOException {
    }

    @AfterEach
    void stop() throws Exception {
        if (stack != null) {
            stack.destroyForcibly().waitFor();
        }
        StackKeys.drop(RedisState.connect(URI.create(System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL)), prefix));
        DemoStack.delete(home);
    }

    /** Starts the stack in {@code home} (its .drover/ files there) and waits for its banner; answers its local.env. */
    private Map<String, String> start() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                                                    "-cp", System.getProperty("java.class.path"), LocalStackMain.class.getName())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("stack.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("DROVER_REDIS_PREFIX", prefix);
        env.put("DROVER_DEMO_DIR", home.resolve("demo").toString());
        for (String port : List.of("DROVER_PORT", "DROVER_BROKER_PORT", "DAPR_GRPC_PORT", "DAPR_HTTP_PORT", "DROVER_ISSUER_PORT",
                                   "DROVER_DEMO_PORT")) {
            env.put(port, "0");
        }
        env.put("DROVER_TEMPORAL_PORT", Integer.toString(FreePort.pick()));
        stack = builder.start();
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Path log = home.resolve("stack.log");
        while (!Files.exists(log) || !Files.readString(log).contains("Drover local stack is ready")) {
            assertTrue(stack.isAlive(), "the stack stopped: " + (Files.exists(log) ? Files.readString(log) : ""));
            assertTrue(System.nanoTime() < until, "the stack was not ready in 2 minutes");
            Thread.sleep(200);
        }
        Files.writeString(log, ""); // the next start's banner must be its own
        Map<String, String> local = new HashMap<>();
        for (String line : Files.readAllLines(home.resolve(".drover/local.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                local.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return local;
    }

    /** An operator's token from the stack's issuer, by the client credentials ./drover token uses. */
    private static String operator(Map<String, String> local) throws Exception {
        String basic = Base64.getEncoder().encodeToString((local.get("DROVER_CLIENT_ID") + ":" + local.get("DROVER_CLIENT_SECRET"))
                                                                  .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(local.get("DROVER_TOKEN_URL")))
                                                        .header("Authorization", "Basic " + basic)
                                                        .header("Content-Type", "application/x-www-form-urlencoded")
                                                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&role=operator&user=kim"))
                                                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return Json.mapper().readTree(answer.body()).get("access_token").asText();
    }

    private static HttpResponse<String> call(Map<String, String> local, String token, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(local.get("DROVER_API_URL") + path))
                                 .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                 .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                                                                      : HttpRequest.BodyPublishers.ofString("{}")).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode await(Map<String, String> local, String token, String path, Predicate<JsonNode> done) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < until) {
            HttpResponse<String> answer = call(local, token, "GET", path);
            if (answer.statusCode() == 200) {
                last = Json.mapper().readTree(answer.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " never got there; last: " + last);
    }

    private static long completedInRedis(JsonNode migration) {
        return migration.at("/candidates/byStatus/completed").asLong();
    }

    @Test
    void aSigkilledStackLosesNoAcknowledgedHistoryAndAgreesWithRedisAfterItsRestart() throws Exception {
        Map<String, String> local = start();
        String token = operator(local);
        await(local, token, "/migrations/hello-world", m -> m.at("/candidates/total").asLong() == 12);

        List<String> finished = List.of("project-01", "project-04", "project-05", "project-06", "project-07");
        for (String candidate : finished) {
            assertEquals(202, call(local, token, "POST", "/migrations/hello-world/candidates/" + candidate + "/start").statusCode());
        }
        // Acknowledged: history says it, as the issue's operator saw it before the crash.
        JsonNode before = await(local, token, "/history/totals?migration=hello-world", t -> t.at("/runs/completed").asLong() == 5);
        for (String candidate : List.of("project-08", "project-09", "project-10", "project-11", "project-12", "project-02")) {
            assertEquals(202, call(local, token, "POST", "/migrations/hello-world/candidates/" + candidate + "/start").statusCode());
        }
        stack.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, nothing flushed on the way out
        stack = null;

        local = start();
        token = operator(local);
        JsonNode migration = await(local, token, "/migrations/hello-world", m -> m.at("/candidates/byStatus/running").asLong() == 0);
        long completed = completedInRedis(migration);
        assertTrue(completed >= 5, "Redis kept the completed runs: " + migration);
        String finalToken = token;
        Map<String, String> finalLocal = local;
        JsonNode after = await(local, token, "/history/totals?migration=hello-world",
                               t -> t.at("/runs/completed").asLong() == completed && t.at("/runs/active").asLong() == 0);
        assertTrue(after.at("/runs/completed").asLong() >= before.at("/runs/completed").asLong(), "nothing acknowledged was lost");
        assertEquals(after.at("/runs/started").asLong(), after.at("/runs/completed").asLong() + after.at("/runs/cancelled").asLong(),
                     "every run that started ended, in history as in Redis: " + after);
        // What the crash cut short (project-02's steps take a minute) is back to not started, and starts again.
        assertEquals("not_started", Json.mapper().readTree(call(finalLocal, finalToken, "GET",
                "/migrations/hello-world/candidates/project-02").body()).get("status").asText());
        assertEquals(202, call(finalLocal, finalToken, "POST", "/migrations/hello-world/candidates/project-02/start").statusCode(),
                     "project-02 is startable again");
    }
}
