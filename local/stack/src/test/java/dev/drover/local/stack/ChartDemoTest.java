package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.signing.Signatures;
import dev.drover.migrators.appchart.AppChartMigration;
import dev.drover.contract.json.Json;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static DemoStack demo;

    @BeforeAll
    static void start() {
        demo = DemoStack.start();
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        demo.close();
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
        JsonNode migration = demo.api().await("discovery", "/migrations/" + MIGRATION, PATIENCE, m -> m.get("candidates").get("total").asLong() > 10);
        long discovered = migration.get("candidates").get("total").asLong();
        assertEquals(404, demo.api().call("GET", "/migrations/" + MIGRATION + "/candidates/payouts", null).statusCode(),
                     "an app already on the target version is no candidate");

        HttpResponse<String> preview = demo.api().call("POST", "/migrations/" + MIGRATION + "/dry-run", Map.of("candidateId", "checkout"));
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
            assertEquals(202, demo.api().call("POST", "/migrations/" + MIGRATION + "/candidates/" + candidate + "/start", null).statusCode());
        }
        URI migrator = URI.create("http://127.0.0.1:" + demo.stack().describe().lines().filter(l -> l.contains("app-chart-migrator"))
                .findFirst().map(l -> l.replaceAll(".*http://127\\.0\\.0\\.1:(\\d+).*", "$1")).orElseThrow());
        List<String> changeUrls = new ArrayList<>();
        for (String candidate : candidates) {
            JsonNode waiting = demo.api().await(candidate + " waiting for its merge", "/migrations/" + MIGRATION + "/candidates/" + candidate + "/steps", PATIENCE,
                                     s -> step(s, "await-merge").get("metadata").has("changeUrl"));
            assertEquals("succeeded", step(waiting, "bump-chart").get("status").asText());
            assertEquals("pending", step(waiting, "await-merge").get("status").asText());
            changeUrls.add(step(waiting, "await-merge").get("metadata").get("changeUrl").asText());
            // The reviewer merges: a real git merge on the local git host.
            HttpResponse<String> merged = StackApi.send(migrator.resolve("/local-git/candidates/" + MIGRATION + "/" + candidate + "/merge"), "POST", null);
            assertEquals(200, merged.statusCode(), merged.body());
        }
        for (String candidate : candidates) {
            demo.api().await(candidate + " completed", "/migrations/" + MIGRATION + "/candidates/" + candidate, PATIENCE, c -> c.get("status").asText().equals("completed"));
        }
        assertEquals(3, changeUrls.stream().distinct().count(), "one change request per candidate");

        // main now holds the upgrade
        Path clone = Files.createTempDirectory("chart-demo-check-");
        try (Git git = Git.cloneRepository().setURI(demo.demoDir().resolve("gitops").resolve("gitops.git").toUri().toString())
                .setDirectory(clone.toFile()).call()) {
            String prod = Files.readString(clone.resolve("apps/prod/ledger.yaml"));
            assertTrue(prod.contains("targetRevision: 2.0.0"), prod);
            assertFalse(Files.readString(clone.resolve("values/ledger/prod.yaml")).contains("  tag:"));
        } finally {
            DemoStack.delete(clone);
        }

        // A rediscovery (a trigger the platform signed) leaves completed candidates completed and adds nothing.
        assertEquals(401, StackApi.send(migrator.resolve("/discover"), "POST", null).statusCode(), "an unsigned trigger");
        String signed = Signatures.signRequest(demo.stack().signingKeys(), AppChartMigration.MIGRATOR_APP, "POST", "/discover",
                                               new byte[0], java.time.Instant.now());
        assertEquals(202, java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(migrator.resolve("/discover")).header("Authorization", "Bearer " + signed)
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        Thread.sleep(3000);
        JsonNode after = demo.api().get("/migrations/" + MIGRATION);
        assertEquals(discovered, after.get("candidates").get("total").asLong());
        assertEquals(3, after.get("candidates").get("byStatus").get("completed").asLong());
    }
}
