package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Role;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation of schemas/openapi.yaml, on the real local stack, three times: with no credential (401), with a
 * credential of the wrong role or identity (403; 401 for Dapr's token, which is a password, not an identity), and
 * with the one its {@code security} names (no longer refused: the answer it gave before credentials existed). The
 * expectations come from each operation's security requirement, so a new operation is covered as it is declared.
 */
class SecurityMatrixTest {
    private static final String MIGRATION = "sec-matrix";
    private static final String APP = "matrix-migrator";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalStack stack;

    /** One operation of the spec and the credentials its security requirement accepts. */
    private record Operation(String method, String template, List<String> roles, boolean sidecar, boolean signature) {
        String path() {
            return template.replace("{id}", MIGRATION).replace("{migrationId}", MIGRATION).replace("{cid}", "alpha")
                    .replace("{step}", "step-one").replace("{runId}", "run-matrix").replace("{rid}", "rollout-matrix");
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        stack = TestStacks.withoutDemo();
        Announcements.publish(stack, APP, new Migration(MIGRATION, "Matrix", "", List.of(),
                                                        List.of(new Step("bump", "", APP, "test", Map.of())), List.of()));
        StackApi api = new StackApi(stack);
        api.await("the announcement", "/migrations/" + MIGRATION, Duration.ofSeconds(20), m -> true);
        assertEquals(200, api.call("POST", "/migrations/" + MIGRATION + "/candidates",
                                   List.of(new DiscoveredCandidate("alpha", "app", Map.of(), List.of(), List.of())),
                                   stack.issuer().migratorToken(APP)).statusCode());
    }

    @AfterAll
    static void stop() {
        TestStacks.stop(stack);
    }

    @SuppressWarnings("unchecked")
    private static List<Operation> operations() throws Exception {
        Map<String, Object> spec;
        try (InputStream in = SecurityMatrixTest.class.getResourceAsStream("/schemas/openapi.yaml")) {
            spec = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
        }
        List<Operation> operations = new ArrayList<>();
        ((Map<String, Map<String, Object>>) spec.get("paths")).forEach((template, item) -> item.forEach((method, op) -> {
            if (!(op instanceof Map<?, ?> operation) || !operation.containsKey("responses")) {
                return;
            }
            List<Map<String, List<String>>> security = (List<Map<String, List<String>>>) operation.get("security");
            List<String> roles = new ArrayList<>();
            boolean sidecar = false;
            boolean signature = false;
            for (Map<String, List<String>> requirement : security) {
                roles.addAll(requirement.getOrDefault("bearer", List.of()));
                sidecar |= requirement.containsKey("daprApiToken");
                signature |= requirement.containsKey("stepEventSignature");
            }
            if (security.isEmpty() || (roles.isEmpty() && !sidecar && !signature)) {
                return; // open by design (health probes): nothing to refuse
            }
            operations.add(new Operation(method.toUpperCase(java.util.Locale.ROOT), template, roles, sidecar, signature));
        }));
        return operations;
    }

    @TestFactory
    List<DynamicTest> everyOperationRefusesTheWrongCallerAndServesTheRightOne() throws Exception {
        List<Operation> operations = operations();
        assertTrue(operations.size() >= 25, "the spec's operations: " + operations);
        List<DynamicTest> tests = new ArrayList<>();
        for (Operation op : operations) {
            tests.add(DynamicTest.dynamicTest(op.toString(), () -> check(op)));
        }
        return tests;
    }

    private void check(Operation op) throws Exception {
        if (op.signature()) {
            checkSignedEvent(op);
            return;
        }
        Answer none = send(op, Map.of());
        assertEquals(401, none.statusCode(), op + " without a credential: " + none.body());
        assertTrue(none.headers().firstValue("WWW-Authenticate").isPresent() || op.sidecar(), op + " names its scheme");
        if (op.sidecar()) {
            Answer bearer = send(op, Map.of("Authorization", "Bearer " + token("admin")));
            assertEquals(401, bearer.statusCode(), op + " with an admin's token instead of the sidecar's: " + bearer.body());
            Answer wrong = send(op, Map.of("dapr-api-token", "guess"));
            assertEquals(401, wrong.statusCode(), op + " with a wrong Dapr token: " + wrong.body());
            assertAnswered(op, send(op, Map.of("dapr-api-token", stack.appApiToken())));
            return;
        }
        Answer wrong = send(op, Map.of("Authorization", "Bearer " + token(wrongFor(op.roles()))));
        assertEquals(403, wrong.statusCode(), op + " as " + wrongFor(op.roles()) + ": " + wrong.body());
        Answer garbage = send(op, Map.of("Authorization", "Bearer not.a.token"));
        assertEquals(401, garbage.statusCode(), op + " with a token that is no JWT: " + garbage.body());
        assertAnswered(op, send(op, Map.of("Authorization", "Bearer " + token(op.roles().getFirst()))));
    }

    /** The dead-letter sink: the request proves itself by the platform's signature on the step event it carries. */
    private void checkSignedEvent(Operation op) throws Exception {
        StepEvent event = new StepEvent("run-matrix", 1, 1, MIGRATION, new StepEvent.StepRef("bump", "test", Map.of()),
                                        new StepEvent.CandidateRef("alpha", "app", Map.of(), List.of()), Map.of(),
                                        new StepEvent.CallbackAddress(stack.apiUri() + "/event/run-matrix", "guess"));
        HttpResponse<String> unsigned = sendEvent(op, event, null);
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        assertEquals("invalid_signature", Json.mapper().readTree(unsigned.body()).at("/error/code").asText());
        HttpResponse<String> otherKey = sendEvent(op, event, SigningKeys.generate());
        assertEquals("invalid_signature", Json.mapper().readTree(otherKey.body()).at("/error/code").asText());
        HttpResponse<String> signed = sendEvent(op, event, stack.signingKeys());
        assertEquals("invalid_token", Json.mapper().readTree(signed.body()).at("/error/code").asText(),
                     "signed by the platform, the event is judged by its run's token next: " + signed.body());
    }

    private static void assertAnswered(Operation op, Answer answer) throws Exception {
        assertNotEquals(401, answer.statusCode(), op + " with the right credential: " + answer.body());
        if (answer.statusCode() == 403) {
            // A route may still refuse what the credential does not cover (a callback for a run that is not the caller's),
            // but never for the role: the role was right.
            JsonNode error = Json.mapper().readTree(answer.body()).path("error");
            assertNotEquals("forbidden", error.path("code").asText(), op + " with the right credential: " + answer.body());
        }
        assertTrue(answer.statusCode() < 500, op + " with the right credential: " + answer.statusCode() + " " + answer.body());
    }

    /** A role or identity the operation does not accept. */
    private static String wrongFor(List<String> roles) {
        if (roles.contains("viewer")) {
            return roles.contains("migrator") ? "nobody" : "migrator";
        }
        if (roles.contains("operator")) {
            return "viewer";
        }
        if (roles.contains("admin")) {
            return "operator";
        }
        return "viewer"; // migrator-only routes
    }

    private static String token(String who) {
        return switch (who) {
            case "migrator" -> stack.issuer().migratorToken(APP);
            case "nobody" -> stack.issuer().userToken("nobody", Optional.empty());
            default -> stack.issuer().userToken("matrix-" + who, Role.fromWire(who).orElseThrow());
        };
    }

    /** What an operation answered; the body of an event stream is not read, since it never ends. */
    private record Answer(int statusCode, java.net.http.HttpHeaders headers, String body) {
    }

    private static Answer send(Operation op, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUri() + op.path()))
                .method(op.method(), op.method().equals("GET") ? HttpRequest.BodyPublishers.noBody()
                                                                : HttpRequest.BodyPublishers.ofString("{}"));
        if (!op.method().equals("GET")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<InputStream> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = answer.body()) {
            boolean stream = answer.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            return new Answer(answer.statusCode(), answer.headers(),
                              stream ? "" : new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static HttpResponse<String> sendEvent(Operation op, StepEvent event, SigningKeys keys) throws Exception {
        byte[] data = Json.bytes(event);
        String id = "run-matrix/bump/1";
        Map<String, String> headers = new LinkedHashMap<>(Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/drover/runs",
                                                                 "ce-type", StepEvent.TYPE, "ce-migratorapp", APP,
                                                                 "Content-Type", "application/json"));
        if (keys != null) {
            headers.put("ce-droversig", Signatures.signEvent(keys, id, StepEvent.TYPE, APP, data, Instant.now()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUri() + op.path()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(data));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
