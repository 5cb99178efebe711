package dev.drover.functions;

import dev.drover.contract.signing.ProofRefused;
import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.migrator.TokenSource;
import dev.drover.core.state.RedisState;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /migrations/{id}/dry-run} against a real migrator built on the SDK: the platform forwards
 * the candidate with its inputs, the migrator simulates each step on top of the earlier ones.
 */
@ServerTest
class DryRunTest {
    private static final RedisState STATE = TestState.create();
    private static Migrator migrator;
    private final Api api;

    DryRunTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    /** Writes GREETING.md greeting the candidate's {@code name}, then signs it; refuses candidates named "broken". */
    private static final StepHandler WRITE = new StepHandler() {
        @Override
        public StepResult execute(dev.drover.migrator.StepContext step) {
            return StepResult.succeeded(Map.of(), "");
        }

        @Override
        public void simulate(dev.drover.migrator.StepContext step, dev.drover.migrator.Draft draft) {
            if (step.candidate().id().equals("broken")) {
                throw new IllegalStateException("values/broken/prod.yaml does not parse (line 3)");
            }
            draft.write("GREETING.md", "Hello, " + step.metadata("name") + "!\n");
        }
    };

    private static final StepHandler SIGN = new StepHandler() {
        @Override
        public StepResult execute(dev.drover.migrator.StepContext step) {
            return StepResult.succeeded(Map.of(), "");
        }

        @Override
        public void simulate(dev.drover.migrator.StepContext step, dev.drover.migrator.Draft draft) throws Exception {
            String text = draft.read("GREETING.md").orElseThrow();
            draft.write("GREETING.md", text + "-- " + step.config("signature") + "\n");
            draft.delete("OLD.md");
            draft.action("signing key fleet", "use", "kept in the migrator; never shown");
        }
    };

    private static Migration greetings(String id, String url) {
        return new Migration(id, "Greetings", "", List.of(),
                             List.of(new Step("write", "", "greeter", "write", Map.of()),
                                     new Step("sign", "", "greeter", "sign", Map.of("signature", "the fleet"))),
                             List.of(new dev.drover.contract.model.Input("name", "Who to greet", "")), url);
    }

    @BeforeAll
    static void startMigrator() {
        migrator = Migrator.builder("greeter", greetings("greetings", ""))
                .step("write", WRITE)
                .step("sign", SIGN)
                .files(candidate -> path -> path.equals("OLD.md") ? Optional.of("old\n") : Optional.empty())
                .patience(Duration.ofMillis(1)) // nothing to announce to here: give up at once
                .tokens(TokenSource.of(TestTrust.migrator("greeter")))
                .signatures(SignatureVerifier.of(TestTrust.KEYS))
                .start(MigratorSettings.local(URI.create("http://127.0.0.1:1")));
        STATE.migrations().announce(greetings("greetings", migrator.uri().toString()), "greeter");
        STATE.migrations().announce(greetings("silent", ""), "test-migrator");
        STATE.migrations().announce(greetings("gone", "http://127.0.0.1:1"), "test-migrator");
        STATE.migrations().announce(greetings("slash", migrator.uri() + "/"), "greeter");
        for (String migration : List.of("greetings", "silent", "gone", "slash")) {
            STATE.candidates().merge(migration, List.of(Fixtures.candidate("checkout", Map.of("name", "from-metadata")),
                                                        Fixtures.candidate("broken", Map.of())));
        }
    }

    @AfterAll
    static void stop() {
        migrator.close();
        TestState.drop(STATE);
    }

    @Test
    void eachStepSeesTheEarlierStepsChangesAndTheGivenInputs() {
        Api.Reply reply = api.postJson("/migrations/greetings/dry-run", Map.of("candidateId", "checkout", "inputs", Map.of("name", "Ada")));
        assertEquals(200, reply.status(), reply.body());
        JsonNode steps = reply.json().get("steps");
        assertEquals(2, steps.size());

        JsonNode write = steps.get(0).get("changes").get(0);
        assertEquals("GREETING.md", write.get("path").asText());
        assertEquals("new", write.get("status").asText());
        assertTrue(write.get("before").isNull());
        assertEquals("Hello, Ada!\n", write.get("after").asText());
        assertTrue(write.get("diff").asText().contains("+Hello, Ada!"), write.get("diff").asText());

        JsonNode sign = steps.get(1).get("changes");
        assertEquals(2, sign.size());
        assertEquals("GREETING.md", sign.get(0).get("path").asText());
        assertEquals("modified", sign.get(0).get("status").asText());
        assertEquals("Hello, Ada!\n", sign.get(0).get("before").asText());
        assertEquals("Hello, Ada!\n-- the fleet\n", sign.get(0).get("after").asText());
        assertEquals("OLD.md", sign.get(1).get("path").asText());
        assertEquals("deleted", sign.get(1).get("status").asText());
        assertNull(sign.get(1).get("after").textValue());

        // Changes that are no file come through the platform as the migrator answered them (and as openapi.yaml says).
        assertFalse(steps.get(0).has("actions"), "a step with none has no actions: " + steps.get(0));
        JsonNode action = steps.get(1).get("actions").get(0);
        assertEquals("signing key fleet", action.get("target").asText());
        assertEquals("use", action.get("action").asText());
        assertEquals("kept in the migrator; never shown", action.get("detail").asText());
        assertEquals("2 file(s) change, 1 action(s)", steps.get(1).get("message").asText());
    }

    @Test
    void aMigratorUrlEndingInASlashIsCalledAtItsRoute() {
        Api.Reply reply = api.postJson("/migrations/slash/dry-run", Map.of("candidateId", "checkout", "inputs", Map.of("name", "Ada")));
        assertEquals(200, reply.status(), reply.body());
        assertEquals("Hello, Ada!\n", reply.json().at("/steps/0/changes/0/after").asText());
    }

    @Test
    void theInputsOfADryRunAreNotSaved() {
        api.postJson("/migrations/greetings/dry-run", Map.of("candidateId", "checkout", "inputs", Map.of("name", "Ada")));
        Api.Reply again = api.postJson("/migrations/greetings/dry-run", Map.of("candidateId", "checkout"));
        assertEquals("Hello, from-metadata!\n", again.json().get("steps").get(0).get("changes").get(0).get("after").asText());
    }

    @Test
    void aCandidateTheMigratorCannotSimulateIsA422WithItsMessage() {
        Api.Reply reply = api.postJson("/migrations/greetings/dry-run", Map.of("candidateId", "broken"));
        assertEquals(422, reply.status());
        assertEquals("dry_run_failed", reply.errorCode());
        assertTrue(reply.body().contains("values/broken/prod.yaml does not parse (line 3)"), reply.body());
    }

    @Test
    void anUnreachableMigratorIsA502() {
        Api.Reply reply = api.postJson("/migrations/gone/dry-run", Map.of("candidateId", "checkout"));
        assertEquals(502, reply.status());
        assertEquals("migrator_unreachable", reply.errorCode());
    }

    /**
     * A migratorUrl reaching something that is no migrator: the platform signs what it sends for the owner app, follows
     * no redirect and passes none of the answer on (the dry-run proxy must not be a way to read other services).
     */
    @Test
    void whatIsNotAMigratorGetsASignedRequestAndGivesNothingAway() throws Exception {
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        other.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String bearer = exchange.getRequestHeaders().getFirst("Authorization");
            try {
                SignatureVerifier.of(TestTrust.KEYS).verifyRequest(bearer.substring("Bearer ".length()), "probe-owner", "POST",
                                                                   "/dry-run", body);
                seen.add(exchange.getRequestURI().getPath() + " signed");
            } catch (ProofRefused | RuntimeException e) {
                seen.add(exchange.getRequestURI().getPath() + " unsigned: " + e.getMessage());
            }
            boolean redirect = exchange.getRequestURI().getPath().startsWith("/redirect");
            if (redirect) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + exchange.getLocalAddress().getPort() + "/secret");
            }
            byte[] secret = "internal-secret-42".getBytes();
            exchange.sendResponseHeaders(redirect ? 302 : 500, secret.length);
            exchange.getResponseBody().write(secret);
            exchange.close();
        });
        other.start();
        try {
            String base = "http://127.0.0.1:" + other.getAddress().getPort();
            for (String url : List.of(base, base + "/redirect")) {
                STATE.migrations().announce(greetings("probe", url), "probe-owner");
                STATE.candidates().merge("probe", List.of(Fixtures.candidate("checkout", Map.of())));
                Api.Reply reply = api.postJson("/migrations/probe/dry-run", Map.of("candidateId", "checkout"));
                assertEquals(502, reply.status(), reply.body());
                assertEquals("migrator_failed", reply.errorCode());
                assertFalse(reply.body().contains("internal-secret-42"), "the upstream body is never passed on: " + reply.body());
            }
            assertEquals(List.of("/dry-run signed", "/redirect/dry-run signed"), seen, "no redirect was followed");

            // A stored URL the allowlist no longer takes is refused before anything is sent.
            STATE.migrations().announce(greetings("probe", "http://169.254.169.254/latest"), "probe-owner");
            Api.Reply refused = api.postJson("/migrations/probe/dry-run", Map.of("candidateId", "checkout"));
            assertEquals(409, refused.status(), refused.body());
            assertEquals("migrator_url_not_allowed", refused.errorCode());
            assertEquals(2, seen.size());
        } finally {
            other.stop(0);
        }
    }

    @Test
    void aMigratorWithoutUrlAnswersNoDryRun() {
        Api.Reply reply = api.postJson("/migrations/silent/dry-run", Map.of("candidateId", "checkout"));
        assertEquals(409, reply.status());
        assertEquals("dry_run_unavailable", reply.errorCode());
    }

    @Test
    void unknownCandidatesMigrationsAndInputsAreRefused() {
        assertEquals("candidate_not_found", api.postJson("/migrations/greetings/dry-run", Map.of("candidateId", "nope")).errorCode());
        assertEquals("migration_not_found", api.postJson("/migrations/nope/dry-run", Map.of("candidateId", "checkout")).errorCode());
        Api.Reply input = api.postJson("/migrations/greetings/dry-run", Map.of("candidateId", "checkout", "inputs", Map.of("color", "red")));
        assertEquals(400, input.status());
        assertEquals("unknown_input", input.errorCode());
        assertEquals(400, api.postJson("/migrations/greetings/dry-run", Map.of()).status());
    }
}
