package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed system's app-chart-migrator (tilsley/loom, apps/migrators/app-chart-migrator), replayed against the
 * platform with its real payloads and exactly the changes docs/porting-from-loom.md lists: the announcement (as a
 * CloudEvent with the app's token; "manual-review" steps typed "manual"), its discovery (as is), its callbacks (plus
 * the step event's dispatch and token), and a dry-run answered by a stand-in that filters steps on migratorApp as the
 * seed's handler does. Real Redis, real runs on Temporal's test server.
 */
@ServerTest
class LoomReplayTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));
    private static final String APP = "app-chart-migrator";
    private static final AtomicReference<JsonNode> DRY_RUN_REQUEST = new AtomicReference<>();
    private static final HttpServer SEED_DRY_RUN = seedDryRun();

    private final Api api;

    LoomReplayTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, RUNS.platform);
    }

    @AfterAll
    static void close() {
        SEED_DRY_RUN.stop(0);
        RUNS.close();
        TestState.drop(STATE);
    }

    /**
     * The seed's dry-run handler, its logic kept (it skips steps whose migratorApp is not its own, and steps without
     * a handler), answering in Drover's shape as the porting guide says.
     */
    private static HttpServer seedDryRun() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/dry-run", exchange -> {
                JsonNode request = Json.mapper().readTree(exchange.getRequestBody().readAllBytes());
                DRY_RUN_REQUEST.set(request);
                ObjectNode answer = Json.mapper().createObjectNode();
                answer.put("migrationId", request.get("migrationId").asText());
                answer.put("candidateId", request.at("/candidate/id").asText());
                ArrayNode steps = answer.putArray("steps");
                for (JsonNode step : request.get("steps")) {
                    boolean mine = APP.equals(step.path("migratorApp").asText());
                    ObjectNode preview = steps.addObject();
                    preview.put("step", step.get("name").asText());
                    preview.put("type", step.get("type").asText());
                    preview.putArray("changes");
                    preview.put("message", mine ? "simulated" : "skipped: executed by " + step.path("migratorApp").asText("nobody"));
                }
                byte[] body = Json.bytes(answer);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** buildAnnouncement() and buildStepDefs([dev]) of the seed's main.go, as JSON; "manual-review" now "manual". */
    private static String announcement() {
        return """
                {"id": "app-chart-migration",
                 "name": "App Chart Migration",
                 "description": "Migrate from generic Helm chart with per-env helm.parameters to app-specific OCI wrapper charts",
                 "overview": ["Disable base resource pruning on shared resources", "Generate the app-specific Helm chart",
                              "Verify the chart has been published to ECR",
                              "For each environment (dev): disable sync pruning, swap to OCI chart, review in ArgoCD, re-enable pruning",
                              "Clean up old Helm values from the base application", "Update the CI/CD deployment workflow"],
                 "requiredInputs": [{"name": "repoName", "label": "Repository", "description": "Pre-filled from discovery — verify before continuing"}],
                 "candidates": [],
                 "steps": [
                   {"name": "disable-base-resource-prune", "description": "Add Prune=false sync option to base/common non-Argo resources", "migratorApp": "app-chart-migrator", "type": "disable-base-resource-prune"},
                   {"name": "generate-app-chart", "description": "Generate app-specific Helm chart with per-env values", "migratorApp": "app-chart-migrator", "type": "generate-app-chart"},
                   {"name": "verify-ecr-publish", "description": "Confirm app chart has been published to ECR", "migratorApp": "app-chart-migrator", "type": "manual",
                    "config": {"instructions": "1. Open ECR in the AWS console\\n2. Find the repository for this application\\n3. Confirm the new chart version has been published successfully"}},
                   {"name": "disable-sync-prune-dev", "description": "Disable sync pruning for dev", "migratorApp": "app-chart-migrator", "type": "disable-sync-prune", "config": {"env": "dev"}},
                   {"name": "swap-chart-dev", "description": "Swap to OCI app chart for dev", "migratorApp": "app-chart-migrator", "type": "swap-chart", "config": {"env": "dev"}},
                   {"name": "review-swap-chart-dev", "description": "Manual review of ArgoCD after chart swap for dev", "migratorApp": "app-chart-migrator", "type": "manual",
                    "config": {"instructions": "1. Open the ArgoCD UI\\n2. Verify app health is Healthy"}},
                   {"name": "enable-sync-prune-dev", "description": "Re-enable sync pruning for dev", "migratorApp": "app-chart-migrator", "type": "enable-sync-prune", "config": {"env": "dev"}},
                   {"name": "cleanup-common", "description": "Remove old helm values from base application", "migratorApp": "app-chart-migrator", "type": "cleanup-common"},
                   {"name": "update-deploy-workflow", "description": "Update CI workflow for app chart deployment", "migratorApp": "app-chart-migrator", "type": "update-deploy-workflow"}],
                 "migratorUrl": "%s"}""".formatted("http://127.0.0.1:" + SEED_DRY_RUN.getAddress().getPort());
    }

    /** The seed discovery Runner's body: SubmitCandidatesRequest, a candidate as AppChartDiscoverer builds it. */
    private static final String DISCOVERY = """
            {"candidates": [{"id": "billing-api", "kind": "application", "status": "not_started",
              "metadata": {"repoName": "billing-api"},
              "files": [{"name": "dev", "repo": "gitops", "files": [{"path": "apps/billing-api/dev/application.yaml",
                         "url": "https://github.com/tilsley/gitops/blob/main/apps/billing-api/dev/application.yaml"}]},
                        {"name": "base", "repo": "gitops", "files": [{"path": "apps/billing-api/base/service-monitor.yaml",
                         "url": "https://github.com/tilsley/gitops/blob/main/apps/billing-api/base/service-monitor.yaml"}]}]}]}""";

    /** A seed StepStatusEvent (stepName, candidateId, status, metadata) with the step event's dispatch and token added. */
    private Api.Reply seedCallback(StepEvent event, String status, Map<String, String> metadata) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("stepName", event.step().name());
        body.put("candidateId", event.candidate().id());
        body.put("status", status);
        if (!metadata.isEmpty()) {
            body.put("metadata", metadata);
        }
        body.put("dispatch", event.dispatch());
        body.put("token", event.callback().token());
        return api.as(TestTrust.migrator(APP)).postJson("/event/" + event.runId(), body);
    }

    private JsonNode awaitStep(String candidate, String name, String status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (JsonNode step : api.get(candidate + "/steps").json().get("steps")) {
                if (step.get("name").asText().equals(name) && step.get("status").asText().equals(status)) {
                    return step;
                }
            }
            assertTrue(System.nanoTime() < until, name + " never became " + status + ": " + api.get(candidate + "/steps").body());
            Thread.sleep(20);
        }
    }

    @Test
    void theSeedMigratorsPayloadsWorkWithTheDocumentedChanges() throws Exception {
        Api.Reply announced = api.announceJson(announcement(), APP);
        assertEquals("SUCCESS", announced.json().get("status").asText(), announced.body());
        JsonNode outcome = api.as(TestTrust.migrator(APP)).get("/registry/announcements/app-chart-migration").json().at("/items/0");
        assertEquals("accepted", outcome.get("outcome").asText(), outcome.toString());

        Api.Reply discovered = api.as(TestTrust.migrator(APP)).post("/migrations/app-chart-migration/candidates", DISCOVERY);
        assertEquals(200, discovered.status(), discovered.body());
        assertEquals(1, discovered.json().get("added").asInt());
        assertEquals(1, discovered.json().get("warnings").size(), "the submitted status is ignored, and said so");

        // Dry-run: the seed's handler filters on migratorApp, which the platform now forwards.
        Api.Reply preview = api.postJson("/migrations/app-chart-migration/dry-run", Map.of("candidateId", "billing-api"));
        assertEquals(200, preview.status(), preview.body());
        JsonNode sent = DRY_RUN_REQUEST.get();
        assertEquals(9, sent.get("steps").size());
        sent.get("steps").forEach(step -> assertEquals(APP, step.path("migratorApp").asText(), step.toString()));
        preview.json().get("steps").forEach(step -> assertEquals("simulated", step.get("message").asText(), step.toString()));

        String candidate = "/migrations/app-chart-migration/candidates/billing-api";
        assertEquals(202, api.post(candidate + "/start", "{\"inputs\":{\"repoName\":\"billing-api\"}}").status());
        StepEvent prune = RUNS.nextEvent();
        assertEquals("disable-base-resource-prune", prune.step().name());
        assertEquals("billing-api", prune.candidate().metadata().get("repoName"));
        // The seed's dispatch handler: progress with the pull request, then the webhook's merged callback.
        assertTrue(seedCallback(prune, "pending", Map.of("prUrl", "https://github.com/tilsley/gitops/pull/7")).json().get("applied").asBoolean());
        assertTrue(seedCallback(prune, "merged", Map.of("prUrl", "https://github.com/tilsley/gitops/pull/7",
                                                        "commitSha", "sha-merged-disable-base-resource-prune-7")).json().get("applied").asBoolean());
        StepEvent chart = RUNS.nextEvent();
        assertEquals("generate-app-chart", chart.step().name());
        Map<String, Object> untokened = Map.of("stepName", chart.step().name(), "candidateId", "billing-api", "status", "succeeded");
        assertEquals(400, api.as(TestTrust.migrator(APP)).postJson("/event/" + chart.runId(), untokened).status(),
                     "the seed's callback as it was, without dispatch and token, is refused: the token stays mandatory");
        Map<String, Object> otherCandidate = new LinkedHashMap<>(untokened);
        otherCandidate.putAll(Map.of("candidateId", "orders", "dispatch", 1, "token", chart.callback().token()));
        assertEquals("wrong_candidate", api.as(TestTrust.migrator(APP)).postJson("/event/" + chart.runId(), otherCandidate).errorCode());
        assertEquals(200, seedCallback(chart, "succeeded", Map.of()).status());

        // The seed's "manual-review" step, now typed manual: no migrator gets it; an operator completes it.
        JsonNode waiting = awaitStep(candidate, "verify-ecr-publish", "pending");
        assertEquals("operator", waiting.at("/metadata/waitingFor").asText());
        assertNull(RUNS.published.poll(300, TimeUnit.MILLISECONDS));
        assertEquals(200, api.as(TestTrust.operator()).post(candidate + "/steps/verify-ecr-publish/complete",
                                                            "{\"outcome\":\"succeeded\",\"message\":\"chart 1.0.0 is in ECR\"}").status());
        StepEvent disable = RUNS.nextEvent();
        assertEquals("disable-sync-prune-dev", disable.step().name());
        // The seed's dispatch handler when a step handler fails.
        assertEquals(200, seedCallback(disable, "failed", Map.of()).status());
        awaitStep(candidate, "disable-sync-prune-dev", "failed");
        JsonNode steps = api.get(candidate + "/steps").json();
        assertEquals("https://github.com/tilsley/gitops/pull/7", steps.at("/steps/0/metadata/prUrl").asText());
        assertEquals("failed", api.get(candidate).json().get("status").asText());
    }
}
