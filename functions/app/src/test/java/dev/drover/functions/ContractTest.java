package dev.drover.functions;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.drover.contract.audit.AuditActions;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.model.Migration;
import dev.drover.core.state.RedisState;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** schemas/ and the code agree: same routes, examples that validate, one announcement shape. */
@ServerTest
class ContractTest {
    private static final RedisState STATE = TestState.create();
    /** Routes every process serves besides its functions. */
    private static final Set<String> PLATFORM_ROUTES = Set.of("GET /dapr/subscribe", "GET /openapi.yaml",
                                                              "GET /observe/health", "GET /observe/health/ready",
                                                              "GET /observe/health/live", "GET /observe/metrics");
    private final Api api;

    ContractTest(Http1Client client) {
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    @Test
    void theSpecDescribesEveryFunctionRouteAndNothingElse() {
        Set<String> inCode = new HashSet<>(PLATFORM_ROUTES);
        for (Function function : Catalog.all(TestPlatform.withoutRuns(STATE))) {
            FunctionSpec spec = function.spec();
            if (spec.kind() == dev.drover.core.function.FunctionKind.PAGES) {
                continue; // the console's HTML pages are a client of the API, not part of its contract (ADR 0009)
            }
            inCode.add(spec.method().text() + " " + spec.path());
        }
        assertEquals(inCode, new HashSet<>(Contract.get().operations()));
    }

    @Test
    void theSpecIsServedAsShipped() throws Exception {
        Api.Reply reply = api.get("/openapi.yaml");
        assertEquals(200, reply.status());
        assertTrue(reply.contentType().startsWith("application/yaml"));
        assertEquals(Files.readString(Path.of("../../schemas/openapi.yaml")), reply.body());
    }

    @Test
    void everyExampleInTheSpecValidatesAgainstItsSchema() {
        List<String> checked = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        walk(Contract.get().spec(), "", checked, problems);
        assertTrue(checked.size() >= 10, "examples found: " + checked);
        assertEquals(List.of(), problems);
    }

    /** Finds media type objects (schema + example/examples) and validates each example against the schema. */
    private void walk(JsonNode node, String pointer, List<String> checked, List<String> problems) {
        if (!node.isObject()) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), pointer + "/" + i, checked, problems);
                }
            }
            return;
        }
        if (node.has("schema") && (node.has("example") || node.has("examples"))) {
            List<String> examples = new ArrayList<>();
            if (node.has("example")) {
                examples.add(pointer + "/example");
            }
            if (node.has("examples")) {
                for (Map.Entry<String, JsonNode> example : node.get("examples").properties()) {
                    JsonNode ref = example.getValue().get("$ref");
                    examples.add(ref != null ? ref.asString().substring(1) + "/value"
                                             : pointer + "/examples/" + example.getKey() + "/value");
                }
            }
            for (String example : examples) {
                checked.add(example);
                String json = Contract.get().at(example).toString();
                Contract.get().problems(pointer + "/schema", json).forEach(p -> problems.add(example + ": " + p));
            }
        }
        for (Map.Entry<String, JsonNode> child : node.properties()) {
            walk(child.getValue(), pointer + "/" + child.getKey().replace("~", "~0").replace("/", "~1"), checked, problems);
        }
    }

    @Test
    void theValidatorCatchesAResponseThatBreaksTheSpec() {
        assertFalse(Contract.get().responseProblems("GET", "/migrations", 200, "application/json",
                                                    "{\"items\":[{\"id\":5}]}").isEmpty());
        assertFalse(Contract.get().responseProblems("GET", "/migrations/x", 404, "application/json",
                                                    "{\"message\":\"no\"}").isEmpty());
        assertFalse(Contract.get().responseProblems("GET", "/migrations/x", 418, "application/json", "{}").isEmpty());
    }

    /** An event data schema of schemas/events/, and its own examples, each checked to read as {@code type}. */
    private static Schema eventSchema(String file, Class<?> type) throws Exception {
        Path path = Path.of("../../schemas/events/" + file);
        Schema schema;
        try (InputStream in = Files.newInputStream(path)) {
            schema = SchemaRegistry.withDialect(Dialects.getDraft202012())
                    .getSchema(SchemaLocation.of("https://drover.dev/schemas/events/" + file), in, com.networknt.schema.InputFormat.JSON);
        }
        JsonNode document = JsonMapper.builder().build().readTree(Files.readString(path));
        for (JsonNode example : document.get("examples")) {
            assertEquals(List.of(), schema.validate(example), file + " example");
            Json.read(example.toString().getBytes(), type);
        }
        return schema;
    }

    @Test
    void theStepEventSchemaDescribesWhatTheWorkflowPublishes() throws Exception {
        Schema event = eventSchema("step-dispatched.schema.json", dev.drover.contract.run.StepEvent.class);
        JsonMapper json = JsonMapper.builder().build();
        var published = new dev.drover.contract.run.StepEvent(
                "run-1", 2, 3, "m", new dev.drover.contract.run.StepEvent.StepRef("bump", "bump", Map.of("k", "v")),
                new dev.drover.contract.run.StepEvent.CandidateRef("c", "app", Map.of("team", "t"), Fixtures.candidate("c", Map.of()).files()),
                Map.of("target-version", "3"), new dev.drover.contract.run.StepEvent.CallbackAddress("http://x/event/run-1", "tok"));
        assertEquals(List.of(), event.validate(json.readTree(Json.string(published))));
        assertFalse(event.validate(json.readTree("{\"runId\":\"r\"}")).isEmpty());
    }

    @Test
    void theAnnouncementEventSchemaAndTheServerAgree() throws Exception {
        Schema event = eventSchema("migration-announced.schema.json", Migration.class);
        JsonMapper json = JsonMapper.builder().build();
        List<String> invalid = List.of(
                "{\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"migratorApp\":\"m\"}]}",
                "{\"id\":\"Bad\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"migratorApp\":\"m\"}]}",
                "{\"id\":\"m\",\"name\":\"x\",\"steps\":[]}",
                "{\"id\":\"m\",\"name\":\"x\",\"steps\":[{\"name\":\"a\"}]}",
                "{\"id\":\"m\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"migratorApp\":\"m\"}],\"extra\":1}",
                "{\"id\":\"m\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"migratorApp\":\"m\",\"config\":{\"k\":1}}]}");
        for (String body : invalid) {
            List<Error> errors = event.validate(json.readTree(body));
            assertFalse(errors.isEmpty(), "the event schema should refuse " + body);
            assertFalse(Contract.get().problems("/components/schemas/Migration", body).isEmpty(),
                        "the OpenAPI Migration schema should refuse " + body);
            assertThrows(InvalidInput.class, () -> Json.read(body.getBytes(), Migration.class), body);
        }
        String valid = Json.string(Fixtures.migration("valid"));
        assertEquals(List.of(), event.validate(json.readTree(valid)));
        assertEquals(List.of(), Contract.get().problems("/components/schemas/Migration", valid));
    }

    @Test
    void operationIdsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : Contract.get().spec().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (op.getValue().has("operationId")) {
                    assertTrue(ids.add(op.getValue().get("operationId").asString()),
                               "duplicate operationId at " + op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
    }

    /** The audit filter accepts, and the console offers, exactly the actions the spec names. */
    @Test
    void theAuditActionsAreTheSpecs() {
        List<String> inSpec = new ArrayList<>();
        Contract.get().spec().at("/components/schemas/OperatorActionName/enum").forEach(a -> inSpec.add(a.asString()));
        assertEquals(inSpec, AuditActions.ALL);
    }
}
