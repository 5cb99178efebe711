package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Role;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The calls the end-to-end tests make to a local stack's API, over real HTTP. */
record StackApi(LocalStack stack) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> send(URI uri, String method, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                 .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                              : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    /** A call as an admin of the stack's issuer (every operator route, and a migrator's too). */
    HttpResponse<String> call(String method, String path, Object body) throws Exception {
        return call(method, path, body, stack.issuer().userToken("e2e-admin", Role.ADMIN));
    }

    HttpResponse<String> call(String method, String path, Object body, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve(path)).header("Content-Type", "application/json")
                                 .header("Authorization", "Bearer " + token)
                                 .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                                              : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Object body) throws Exception {
        return call("POST", path, body);
    }

    /** The answer's JSON, or null unless it is a 200. */
    JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = call("GET", path, null);
        return answer.statusCode() == 200 ? Json.mapper().readTree(answer.body()) : null;
    }

    /** Polls {@code GET path} until {@code done} holds; fails naming {@code what} and the last answer. */
    JsonNode await(String what, String path, Duration patience, Predicate<JsonNode> done) throws Exception {
        long until = System.nanoTime() + patience.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < until) {
            last = get(path);
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
    }

    /** Starts the candidate and answers its run id. */
    String start(String migrationId, String candidate) throws Exception {
        HttpResponse<String> answer = post("/migrations/" + migrationId + "/candidates/" + candidate + "/start", Map.of());
        assertEquals(202, answer.statusCode(), answer.body());
        return Json.mapper().readTree(answer.body()).get("runId").asText();
    }

    void awaitStatus(String migrationId, String candidate, String status, Duration patience) throws Exception {
        await(candidate + " " + status, "/migrations/" + migrationId + "/candidates/" + candidate, patience,
              c -> c.get("status").asText().equals(status));
    }

    String stepStatus(String migrationId, String candidate, int step) throws Exception {
        return get("/migrations/" + migrationId + "/candidates/" + candidate + "/steps").get("steps").get(step).get("status").asText();
    }

    /**
     * Announces a migration whose steps (of type {@code test}) the given migrator executes, through Dapr,
     * waits until the platform has stored it, then submits the candidates.
     */
    void announceAndDiscover(String migratorApp, String migrationId, List<String> steps, List<String> candidates) throws Exception {
        List<Step> definition = steps.stream().map(name -> new Step(name, "", migratorApp, "test", Map.of())).toList();
        Announcements.publish(stack, migratorApp, new Migration(migrationId, "E2E " + migrationId, "", List.of(), definition, List.of()));
        await("the announcement of " + migrationId, "/migrations/" + migrationId, Duration.ofSeconds(20), m -> true);
        List<DiscoveredCandidate> discovered = candidates.stream()
                .map(id -> new DiscoveredCandidate(id, "app", Map.of(), List.of(), List.of())).toList();
        assertEquals(200, call("POST", "/migrations/" + migrationId + "/candidates", discovered,
                               stack.issuer().migratorToken(migratorApp)).statusCode());
    }
}
