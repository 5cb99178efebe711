package dev.drover.migrator;

import dev.drover.contract.dryrun.DryRunRequest;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /dry-run} answers file contents, so only the platform's signed request is answered at all. */
class DryRunRouteTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final AtomicInteger opened = new AtomicInteger();
    private TestPlatform platform;
    private Migrator migrator;

    @BeforeEach
    void start() {
        platform = new TestPlatform("migrator-token");
        Migration migration = new Migration("greetings", "Greetings", "", List.of(),
                                            List.of(new Step("greet", "", "m", "greet", Map.of()),
                                                    new Step("grant", "", "m", "grant", Map.of())), List.of());
        migrator = Migrator.builder("m", migration)
                .step("greet", new StepHandler() {
                    @Override
                    public StepResult execute(StepContext step) {
                        return StepResult.succeeded(Map.of(), "greeted");
                    }

                    @Override
                    public void simulate(StepContext step, Draft draft) throws Exception {
                        draft.write("HELLO.md", draft.read("HELLO.md").orElse("") + "Hello, " + step.candidate().id() + "!\n");
                    }
                })
                .step("grant", new StepHandler() {
                    @Override
                    public StepResult execute(StepContext step) {
                        return StepResult.succeeded(Map.of(), "granted");
                    }

                    @Override
                    public void simulate(StepContext step, Draft draft) {
                        draft.action("role " + step.candidate().id() + "_2", "create", "member of " + step.candidate().id());
                        draft.action("Secret " + step.candidate().id() + "-db", "update", "keys username, password");
                    }
                })
                .files(candidate -> {
                    opened.incrementAndGet();
                    return path -> Optional.of("secret contents of " + path + "\n");
                })
                .tokens(TokenSource.of("migrator-token"))
                .patience(Duration.ofSeconds(5))
                .start(MigratorSettings.local(platform.uri()));
    }

    @AfterEach
    void stop() {
        migrator.close();
        platform.close();
    }

    private static byte[] request(String candidate) {
        return Json.bytes(new DryRunRequest("greetings", new StepEvent.CandidateRef(candidate, "folder", Map.of(), List.of()),
                                            List.of(new StepEvent.StepRef("greet", "greet", Map.of())), Map.of()));
    }

    private HttpResponse<String> post(byte[] body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(migrator.uri().resolve("/dry-run")).header("Content-Type", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDryRunWithoutTheirSignatureIsRefusedAndReadsNothing() throws Exception {
        byte[] body = request("alpha");
        assertEquals(401, post(body, null).statusCode());
        assertEquals(401, post(body, "not-a-jws").statusCode());
        assertEquals(401, post(body, Signatures.signRequest(SigningKeys.generate(), "m", "POST", "/dry-run", body, Instant.now())).statusCode(),
                     "signed by someone else's key");
        assertEquals(401, post(body, platform.signRequest("other-app", "/dry-run", body)).statusCode(), "for another migrator");
        assertEquals(401, post(body, platform.signRequest("m", "/discover", body)).statusCode(), "for another route");
        assertEquals(401, post(request("beta"), platform.signRequest("m", "/dry-run", body)).statusCode(), "for another body");
        assertEquals(401, post(body, Signatures.signRequest(platform.keys, "m", "POST", "/dry-run", body,
                                                            Instant.now().minus(Duration.ofMinutes(10)))).statusCode(), "expired");
        HttpResponse<String> refused = post(body, platform.signRequest("m", "/dry-run", request("beta")));
        assertTrue(refused.body().contains("invalid_signature") && !refused.body().contains("secret"), refused.body());
        assertEquals(0, opened.get(), "no candidate's files were opened for a refused request");
    }

    @Test
    void theirSignedDryRunIsAnswered() throws Exception {
        byte[] body = request("alpha");
        HttpResponse<String> answer = post(body, platform.signRequest("m", "/dry-run", body));
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("Hello, alpha!"), answer.body());
        assertEquals(1, opened.get());
    }

    /** Changes that are no file come per step in {@code actions}; a step without any has no such key, as before. */
    @Test
    void actionsAreAnsweredWithTheStepThatPlansThem() throws Exception {
        byte[] body = Json.bytes(new DryRunRequest("greetings", new StepEvent.CandidateRef("alpha", "folder", Map.of(), List.of()),
                                                   List.of(new StepEvent.StepRef("greet", "greet", Map.of()),
                                                           new StepEvent.StepRef("grant", "grant", Map.of())), Map.of()));
        HttpResponse<String> answer = post(body, platform.signRequest("m", "/dry-run", body));
        assertEquals(200, answer.statusCode(), answer.body());
        var steps = Json.mapper().readTree(answer.body()).get("steps");
        assertTrue(!steps.get(0).has("actions"), "a file-only step reads as before: " + steps.get(0));
        assertEquals("[{\"target\":\"role alpha_2\",\"action\":\"create\",\"detail\":\"member of alpha\"},"
                             + "{\"target\":\"Secret alpha-db\",\"action\":\"update\",\"detail\":\"keys username, password\"}]",
                     steps.get(1).get("actions").toString());
        assertEquals(0, steps.get(1).get("changes").size());
        assertEquals("2 action(s)", steps.get(1).get("message").asText());
        var parsed = Json.read(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), dev.drover.contract.dryrun.DryRunResult.class);
        assertEquals(List.of(), parsed.steps().get(0).actions(), "an answer without actions parses as none");
        assertEquals("create", parsed.steps().get(1).actions().get(0).action());
    }

    @Test
    void aSignedDryRunForACandidateIdThatIsNoSlugIsRefused() throws Exception {
        byte[] body = request("../../etc");
        HttpResponse<String> answer = post(body, platform.signRequest("m", "/dry-run", body));
        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals(0, opened.get());
    }
}
