package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Node.js example migrator ({@code migrators/examples/node-hello}) against an in-process local stack, as a
 * migrator in another language joins {@code ./drover up}: started with {@code node index.js} and the environment a
 * migrator needs (the issuer's client credentials, the Dapr stand-in's address and API token, where it listens), and
 * nothing else: announcing its {@code migratorUrl} joins it to the running stack, which routes its step events to it.
 * It announces through the stand-in with
 * {@code @dapr/dapr}, submits its candidates, answers a dry-run the platform forwards, runs both steps of a run to
 * completion, and refuses step events the platform did not sign.
 */
class NodeMigratorTest {
    private static final String APP = "node-hello";
    private static final String MIGRATION = "node-hello-world";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalStack stack;
    private static StackApi api;
    private static Process node;
    private static Path projects;
    private static Path log;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path folder = NodeExample.prepare();

        stack = TestStacks.withoutDemo();
        api = new StackApi(stack);
        projects = Files.createTempDirectory("node-hello-projects");
        Files.createDirectories(projects.resolve("alpha"));
        Files.createDirectories(projects.resolve("beta"));
        Files.createDirectories(projects.resolve("Not A Slug")); // no candidate: its name is no slug

        port = FreePort.pick();
        String url = "http://127.0.0.1:" + port;
        // No DROVER_MIGRATORS entry: the migrator joins the running stack by announcing its migratorUrl (JoiningMigrators).
        log = Files.createTempFile("node-hello", ".log");
        ProcessBuilder launch = new ProcessBuilder("node", "index.js").directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = launch.environment();
        env.put("PORT", Integer.toString(port));
        env.put("DROVER_BIND", "127.0.0.1");
        env.put("MIGRATOR_URL", url);
        env.put("DROVER_API_URL", stack.apiUri().toString());
        env.put("DROVER_TOKEN_URL", stack.issuer().tokenEndpoint().toString());
        env.put("DROVER_CLIENT_ID", stack.issuer().clientId());
        env.put("DROVER_CLIENT_SECRET", stack.issuer().clientSecret());
        env.put("DROVER_TOKEN_PARAMS", "migrator=" + APP);
        env.put("DAPR_HTTP_ENDPOINT", stack.daprHttpEndpoint());
        env.put("DAPR_API_TOKEN", stack.daprApiToken());
        env.put("HELLO_DIR", projects.toString());
        node = launch.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.destroy();
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
            System.out.println("node-hello's log:\n" + Files.readString(log));
            Files.deleteIfExists(log);
        }
        if (stack != null) {
            TestStacks.stop(stack);
        }
        if (projects != null) {
            DemoStack.delete(projects);
        }
    }

    @Test
    void itAnnouncesDiscoversAnswersADryRunAndRunsBothSteps() throws Exception {
        JsonNode migration = awaitDiscovered();
        assertEquals(APP, migration.get("owner").asText(), "the announcement's droverauth made the app its owner");
        assertEquals("http://127.0.0.1:" + port, migration.get("migratorUrl").asText());
        assertEquals("accepted", api.get("/registry/announcements/" + MIGRATION).get("items").get(0).get("outcome").asText());

        HttpResponse<String> preview = api.call("POST", "/migrations/" + MIGRATION + "/dry-run", Map.of("candidateId", "alpha"));
        assertEquals(200, preview.statusCode(), preview.body());
        JsonNode steps = Json.mapper().readTree(preview.body()).get("steps");
        JsonNode greet = steps.get(0).get("changes").get(0);
        assertEquals("HELLO.md", greet.get("path").asText());
        assertEquals("new", greet.get("status").asText());
        assertEquals("Hello, alpha!\n", greet.get("after").asText());
        assertTrue(greet.get("diff").asText().contains("+Hello, alpha!"), greet.toString());
        JsonNode sign = steps.get(1).get("changes").get(0);
        assertEquals("modified", sign.get("status").asText());
        assertEquals("Hello, alpha!\n-- the Drover fleet\n", sign.get("after").asText());
        Path hello = projects.resolve("alpha").resolve("HELLO.md");
        assertTrue(Files.notExists(hello), "a dry-run writes nothing");

        api.start(MIGRATION, "alpha");
        api.awaitStatus(MIGRATION, "alpha", "completed", PATIENCE);
        assertEquals("Hello, alpha!\n-- the Drover fleet\n", Files.readString(hello));
        JsonNode done = api.get("/migrations/" + MIGRATION + "/candidates/alpha/steps").get("steps");
        assertEquals("succeeded", done.get(0).get("status").asText());
        assertEquals("sign done", done.get(1).get("message").asText());
    }

    @Test
    void aStepEventThePlatformDidNotSignIsRefusedAndNotExecuted() throws Exception {
        awaitDiscovered();
        String runId = "run-" + UUID.randomUUID();
        StepEvent data = new StepEvent(runId, 1, 1, MIGRATION, new StepEvent.StepRef("greet", "greet", Map.of()),
                                       new StepEvent.CandidateRef("beta", "folder", Map.of(), java.util.List.of()), Map.of(),
                                       new StepEvent.CallbackAddress(stack.apiUri() + "/event/" + runId, "not-a-real-token"));
        byte[] body = Json.bytes(data);
        String id = runId + "/greet/1";

        assertEquals(401, deliver(id, body, null).statusCode(), "no droversig");
        String forged = Signatures.signEvent(SigningKeys.generate(), id, StepEvent.TYPE, APP, body, Instant.now());
        HttpResponse<String> refused = deliver(id, body, forged);
        assertEquals(401, refused.statusCode(), "signed with a key that is not the platform's");
        assertEquals("invalid_signature", Json.mapper().readTree(refused.body()).get("error").get("code").asText());

        Thread.sleep(500);
        assertTrue(Files.notExists(projects.resolve("beta").resolve("HELLO.md")), "a refused event is never executed");
        assertEquals("not_started", api.get("/migrations/" + MIGRATION + "/candidates/beta").get("status").asText());

        // The same event signed with the platform's key passes the check (its callback token is refused later).
        String genuine = Signatures.signEvent(stack.signingKeys(), id, StepEvent.TYPE, APP, body, Instant.now());
        assertEquals(202, deliver(id, body, genuine).statusCode());
    }

    /** The migration as the platform serves it once the migrator announced it and submitted both project folders. */
    private static JsonNode awaitDiscovered() throws Exception {
        try {
            return api.await("node-hello's announcement and its 2 candidates", "/migrations/" + MIGRATION, PATIENCE,
                             m -> m.get("candidates").get("total").asLong() == 2);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nnode-hello's log:\n" + Files.readString(log), e);
        }
    }

    /** A binary-mode step event, as the broker pushes it, straight to the migrator. */
    private static HttpResponse<String> deliver(String id, byte[] body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/steps"))
                .header("Content-Type", "application/json")
                .header("ce-specversion", "1.0").header("ce-id", id).header("ce-source", "/drover")
                .header("ce-type", StepEvent.TYPE).header("ce-migratorapp", APP)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("ce-droversig", signature);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
