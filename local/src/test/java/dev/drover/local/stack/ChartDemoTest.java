package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.core.json.Json;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * app-chart-migrator through the whole local stack, as the README's walkthrough does it: it announces,
 * discovers the seeded GitOps repository's apps, previews one, and runs several from bump through a
 * reviewer's merge (a real git merge on the local git host, whose merge event re-checks the waiting
 * step) and verification to completed.
 */
class ChartDemoTest {
    private static final String MIGRATION = "app-chart-upgrade";
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

    private static HttpResponse<String> send(URI uri, String method, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                 .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                              : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> api(String method, String path, Object body) throws Exception {
        return send(stack.apiUri().resolve(path), method, body);
    }

    private static JsonNode await(String what, String path, Predicate<JsonNode> done) throws Exception {
        long until = System.nanoTime() + 90_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < until) {
            HttpResponse<String> answer = api("GET", path, null);
            if (answer.statusCode() == 200) {
                last = Json.mapper().readTree(answer.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
    }

    private static JsonNode step(JsonNode steps, String name) {
        for (JsonNode step : steps.get("steps")) {
            if (step.get("name").asText().equals(name)) {
                return step;
            }
        }
        throw new AssertionError("no step " + name + " in " + steps);
    }

    @Test
    void appsAreDiscoveredPreviewedBumpedMergedAndVerified() throws Exception {
        JsonNode migration = await("discovery", "/migrations/" + MIGRATION, m -> m.get("candidates").get("total").asLong() > 10);
        long discovered = migration.get("candidates").get("total").asLong();
        assertEquals(404, api("GET", "/migrations/" + MIGRATION + "/candidates/payouts", null).statusCode(),
                     "an app already on the target version is no candidate");

        HttpResponse<String> preview = api("POST", "/migrations/" + MIGRATION + "/dry-run", Map.of("candidateId", "checkout"));
        assertEquals(200, preview.statusCode(), preview.body());
        JsonNode bump = Json.mapper().readTree(preview.body()).get("steps").get(0);
        assertEquals("bump-chart", bump.get("step").asText());
        assertTrue(bump.get("changes").size() >= 3, "the manifests of every environment change: " + bump);
        boolean manifestChanged = false;
        for (JsonNode change : bump.get("changes")) {
            assertEquals("modified", change.get("status").asText());
            manifestChanged |= change.get("path").asText().equals("apps/prod/checkout.yaml")
                    && change.get("diff").asText().contains("+      targetRevision: 2.0.0");
        }
        assertTrue(manifestChanged, bump.toString());

        List<String> candidates = List.of("checkout", "ledger", "refunds");
        for (String candidate : candidates) {
            assertEquals(202, api("POST", "/migrations/" + MIGRATION + "/candidates/" + candidate + "/start", null).statusCode());
        }
        URI migrator = URI.create("http://127.0.0.1:" + stack.describe().lines().filter(l -> l.contains("app-chart-migrator"))
                .findFirst().map(l -> l.replaceAll(".*http://127\\.0\\.0\\.1:(\\d+).*", "$1")).orElseThrow());
        List<String> changeUrls = new ArrayList<>();
        for (String candidate : candidates) {
            JsonNode waiting = await(candidate + " waiting for its merge", "/migrations/" + MIGRATION + "/candidates/" + candidate + "/steps",
                                     s -> step(s, "await-merge").get("metadata").has("changeUrl"));
            assertEquals("succeeded", step(waiting, "bump-chart").get("status").asText());
            assertEquals("pending", step(waiting, "await-merge").get("status").asText());
            changeUrls.add(step(waiting, "await-merge").get("metadata").get("changeUrl").asText());
            // The reviewer merges: a real git merge on the local git host.
            HttpResponse<String> merged = send(migrator.resolve("/local-git/candidates/" + MIGRATION + "/" + candidate + "/merge"), "POST", null);
            assertEquals(200, merged.statusCode(), merged.body());
        }
        for (String candidate : candidates) {
            await(candidate + " completed", "/migrations/" + MIGRATION + "/candidates/" + candidate, c -> c.get("status").asText().equals("completed"));
        }
        assertEquals(3, changeUrls.stream().distinct().count(), "one change request per candidate");

        // main now holds the upgrade
        Path clone = Files.createTempDirectory("chart-demo-check-");
        try (Git git = Git.cloneRepository().setURI(settings.demoDir().resolve("gitops").resolve("gitops.git").toUri().toString())
                .setDirectory(clone.toFile()).call()) {
            String prod = Files.readString(clone.resolve("apps/prod/ledger.yaml"));
            assertTrue(prod.contains("targetRevision: 2.0.0"), prod);
            assertFalse(Files.readString(clone.resolve("values/ledger/prod.yaml")).contains("  tag:"));
        } finally {
            try (var files = Files.walk(clone)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }

        // A rediscovery (a PingSource tick) leaves completed candidates completed and adds nothing.
        assertEquals(202, send(migrator.resolve("/discover"), "POST", null).statusCode());
        Thread.sleep(3000);
        JsonNode after = api("GET", "/migrations/" + MIGRATION, null).body().isEmpty() ? null
                : Json.mapper().readTree(api("GET", "/migrations/" + MIGRATION, null).body());
        assertEquals(discovered, after.get("candidates").get("total").asLong());
        assertEquals(3, after.get("candidates").get("byStatus").get("completed").asLong());
    }
}
