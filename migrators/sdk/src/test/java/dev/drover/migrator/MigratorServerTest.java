package dev.drover.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migrator on the SDK answers whatever reaches it in the contract's error shape with a stable code, as the platform
 * does: a wrong method, a route it does not serve, a body that is no CloudEvent, one too large, a Content-Type that
 * does not parse. Over real HTTP, on the SDK's own server (no platform runtime on its classpath).
 */
class MigratorServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private TestPlatform platform;
    private Migrator migrator;

    @BeforeEach
    void start() {
        platform = new TestPlatform("t");
        Migration migration = new Migration("edge-test", "Edge test", "", List.of(),
                                            List.of(new Step("noop", "", "m", "noop", Map.of())), List.of());
        migrator = Migrator.builder("m", migration)
                .step("noop", step -> StepResult.succeeded(Map.of(), "done"))
                .tokens(TokenSource.of("t"))
                .start(MigratorSettings.local(platform.uri()));
    }

    @AfterEach
    void stop() {
        migrator.close();
        platform.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder to(String path) {
        return HttpRequest.newBuilder(URI.create(migrator.uri() + path));
    }

    private static String code(HttpResponse<String> response) throws Exception {
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"), response.toString());
        JsonNode body = Json.mapper().readTree(response.body());
        return body.path("error").path("code").asText();
    }

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = send(to("/steps").GET());
        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("allow").orElse(""));
        assertEquals("method_not_allowed", code(response));
    }

    @Test
    void aRouteItDoesNotServeIs404() throws Exception {
        HttpResponse<String> response = send(to("/admin").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(404, response.statusCode());
        assertEquals("route_not_found", code(response));
    }

    @Test
    void plainJsonOnTheStepRouteProvesNothing() throws Exception {
        HttpResponse<String> response = send(to("/steps").header("content-type", "application/json")
                                                     .POST(HttpRequest.BodyPublishers.ofString("{\"runId\":\"r\"}")));
        assertEquals(401, response.statusCode());
        assertEquals("invalid_signature", code(response));
        assertTrue(response.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void aBodyAboveTheLimitIs413() throws Exception {
        byte[] big = new byte[(int) MigratorServer.MAX_BODY_BYTES + 1];
        // The server answers from the declared length and closes without reading the body: a client already writing
        // the body may see a reset instead of the answer (it failed so in CI), so this one waits for 100 Continue.
        HttpResponse<String> response = send(to("/dry-run").header("authorization", "Bearer x").expectContinue(true)
                                                     .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertEquals(413, response.statusCode());
        assertEquals("payload_too_large", code(response));
    }

    @Test
    void aContentTypeThatDoesNotParseIs400() throws Exception {
        HttpResponse<String> response = send(to("/steps").header("content-type", "application/cloudevents+json; charset=\"")
                                                     .header("ce-specversion", "1.0")
                                                     .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(400, response.statusCode());
        assertTrue(List.of("bad_request", "malformed_event").contains(code(response)), response.body());
    }

    @Test
    void aDryRunWithoutTheBearerIs401BeforeTheBodyIsRead() throws Exception {
        HttpResponse<String> response = send(to("/dry-run").header("content-type", "application/json")
                                                     .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(401, response.statusCode());
        assertEquals("missing_credential", code(response));
    }
}
