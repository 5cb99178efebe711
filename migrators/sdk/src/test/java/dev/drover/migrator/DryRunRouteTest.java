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
    private final AtomicInteger closed = new AtomicInteger();
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
                .step("noop", step -> StepResult.succeeded(Map.of(), "nothing to do"))
                .step("configure", new StepHandler() {
                    @Override
                    public StepResult execute(StepContext step) {
                        return StepResult.succeeded(Map.of(), "configured");
                    }

                    @Override
                    public void simulate(StepContext step, Draft draft) {
                        draft.write("env.txt", step.inputs().getOrDefault("env", "(none)") + "\n");
                        draft.action("service " + step.candidate().id(), "restart", "");
                    }
                })
                .step("broken", new StepHandler() {
                    @Override
                    public StepResult execute(StepContext step) {
                        return StepResult.failed("broken");
                    }

                    @Override
                    public void simulate(StepContext step, Draft draft) {
                        throw new IllegalArgumentException("step " + step.step().name() + " needs config 'chart'");
                    }
                })
                .files(candidate -> {
                    opened.incrementAndGet();
                    if (candidate.id().equals("unreachable")) {
                        throw new java.io.IOException("git clone failed: repository not found");
                    }
                    return new FileSource() {
                        @Override
                        public Optional<String> read(String path) {
                            return Optional.of("secret contents of " + path + "\n");
                        }

                        @Override
                        public void close() {
                            closed.incrementAndGet();
                        }
                    };
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

    private static byte[] request(String migration, String candidate, Map<String, String> inputs, String... steps) {
        List<StepEvent.StepRef> refs = java.util.Arrays.stream(steps).map(step -> step.split(":"))
                .map(nameAndType -> new StepEvent.StepRef(nameAndType[0], nameAndType[1], Map.of())).toList();
        return Json.bytes(new DryRunRequest(migration, candidate == null ? null : new StepEvent.CandidateRef(candidate, "folder", Map.of(), List.of()),
                                            refs, inputs));
    }

    private HttpResponse<String> signedPost(byte[] body) throws Exception {
        return post(body, platform.signRequest("m", "/dry-run", body));
    }

    private static void assertRefused(int status, String code, String message, HttpResponse<String> answer) throws Exception {
        assertEquals(status, answer.statusCode(), answer.body());
        var error = Json.mapper().readTree(answer.body()).get("error");
        assertEquals(code, error.get("code").asText(), answer.body());
        assertEquals(message, error.get("message").asText());
    }

    @Test
    void eachStepsChangesAreAnsweredOnTopOfTheEarlierStepsChanges() throws Exception {
        HttpResponse<String> answer = signedPost(request("greetings", "alpha", Map.of("env", "prod"),
                                                         "greet:greet", "greet-again:greet", "approve:manual", "noop:noop",
                                                         "configure:configure"));
        assertEquals(200, answer.statusCode(), answer.body());
        var result = Json.read(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), dev.drover.contract.dryrun.DryRunResult.class);
        assertEquals("greetings", result.migrationId());
        assertEquals("alpha", result.candidateId());
        assertEquals(List.of("greet", "greet-again", "approve", "noop", "configure"),
                     result.steps().stream().map(dev.drover.contract.dryrun.StepPreview::step).toList());
        assertEquals(List.of("greet", "greet", "manual", "noop", "configure"),
                     result.steps().stream().map(dev.drover.contract.dryrun.StepPreview::type).toList());

        var first = result.steps().get(0);
        assertEquals(List.of(new dev.drover.contract.dryrun.FileChange(
                "HELLO.md", dev.drover.contract.dryrun.ChangeStatus.MODIFIED, "secret contents of HELLO.md\n",
                "secret contents of HELLO.md\nHello, alpha!\n", """
                        --- a/HELLO.md
                        +++ b/HELLO.md
                        @@ -1,1 +1,2 @@
                         secret contents of HELLO.md
                        +Hello, alpha!
                        """)), first.changes());
        assertEquals("1 file(s) change", first.message());

        var second = result.steps().get(1).changes().get(0);
        assertEquals("secret contents of HELLO.md\nHello, alpha!\n", second.before(), "the second step starts where the first left off");
        assertEquals("secret contents of HELLO.md\nHello, alpha!\nHello, alpha!\n", second.after());

        assertEquals(List.of(), result.steps().get(2).changes());
        assertEquals("manual step: an operator completes it", result.steps().get(2).message());
        assertEquals(List.of(), result.steps().get(3).changes());
        assertEquals("changes no file", result.steps().get(3).message());

        var configure = result.steps().get(4);
        assertEquals("prod\n", configure.changes().get(0).after(), "the operator's inputs reach the step");
        assertEquals(List.of(new dev.drover.contract.dryrun.PlannedAction("service alpha", "restart", "")), configure.actions());
        assertEquals("1 file(s) change, 1 action(s)", configure.message());
        assertEquals(1, opened.get(), "the candidate's files are opened once for every step");
        assertEquals(1, closed.get(), "and closed when the dry-run ends");
    }

    @Test
    void aDryRunWithoutInputsGivesTheStepsNone() throws Exception {
        HttpResponse<String> answer = signedPost(request("greetings", "alpha", null, "configure:configure"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"after\":\"(none)\\n\""), answer.body());
    }

    @Test
    void aStepTypeThisMigratorDoesNotHandleIsRefusedBeforeAnyFileIsRead() throws Exception {
        assertRefused(422, "unknown_step_type", "step verify has type 'verify', which this migrator does not handle (it handles "
                              + "broken, configure, grant, greet, noop); fix the migration's definition",
                      signedPost(request("greetings", "alpha", Map.of(), "greet:greet", "verify:verify")));
        assertEquals(0, opened.get());
    }

    @Test
    void aStepThatCannotBeSimulatedFailsTheDryRunNamingTheStep() throws Exception {
        assertRefused(422, "dry_run_failed", "step install cannot be simulated: step install needs config 'chart'",
                      signedPost(request("greetings", "alpha", Map.of(), "greet:greet", "install:broken")));
        assertEquals(1, closed.get(), "the candidate's files are closed all the same");
    }

    @Test
    void filesThatCannotBeOpenedFailTheDryRunNamingTheCandidate() throws Exception {
        assertRefused(422, "dry_run_failed", "cannot read candidate unreachable's files: git clone failed: repository not found",
                      signedPost(request("greetings", "unreachable", Map.of(), "greet:greet")));
    }

    @Test
    void aDryRunWithoutACandidateOrStepsOrWithAMigrationIdThatIsNoSlugIsRefused() throws Exception {
        String needs = "a dry-run needs a candidate and at least one step";
        assertRefused(400, "invalid_request", needs, signedPost(request("greetings", "alpha", Map.of())));
        assertRefused(400, "invalid_request", needs, signedPost(request("greetings", null, Map.of(), "greet:greet")));
        assertRefused(400, "invalid_request", needs, signedPost(Json.bytes(Map.of("migrationId", "greetings",
                                                                                  "candidate", Map.of("id", "alpha")))));
        assertRefused(400, "invalid_request", "the dry-run's migrationId and candidate.id must be slugs, got '../x'",
                      signedPost(request("../x", "alpha", Map.of(), "greet:greet")));
        assertRefused(400, "invalid_request", "the dry-run's migrationId and candidate.id must be slugs, got ''",
                      signedPost(request(null, "alpha", Map.of(), "greet:greet")));
        assertEquals(0, opened.get());
    }

    @Test
    void aCandidateIdOfTheLongestSlugIsAnsweredAndALongerOneRefused() throws Exception {
        String longest = "c".repeat(dev.drover.contract.model.Check.SLUG_MAX);
        HttpResponse<String> answer = signedPost(request("greetings", longest, Map.of(), "greet:greet"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(400, signedPost(request("greetings", longest + "c", Map.of(), "greet:greet")).statusCode());
        assertEquals(1, opened.get());
        // The refusal quotes what it refused, up to 120 characters.
        HttpResponse<String> quoted = signedPost(request("greetings", "c".repeat(120), Map.of(), "greet:greet"));
        assertTrue(quoted.body().contains("'" + "c".repeat(120) + "'"), quoted.body());
        HttpResponse<String> cut = signedPost(request("greetings", "c".repeat(121), Map.of(), "greet:greet"));
        assertTrue(cut.body().contains("'" + "c".repeat(120) + "...'"), cut.body());
    }
}
