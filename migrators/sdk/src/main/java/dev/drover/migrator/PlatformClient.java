package dev.drover.migrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.core.json.Json;
import dev.drover.core.model.DiscoveredCandidate;
import dev.drover.core.model.Migration;
import dev.drover.core.run.CallbackRequest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The few platform calls a migrator makes. Each call either returns, throws {@link Retries.Refused} when
 * the platform said no for good, or throws something worth retrying (unreachable, 5xx, not known yet).
 */
final class PlatformClient {
    /** The platform takes at most this many candidates per request. */
    static final int BATCH = 5_000;

    private final URI api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PlatformClient(URI api) {
        this.api = api;
    }

    /** The migration as the platform stores it, without its counts and timestamps; empty while unknown. */
    Optional<Migration> migration(String id) throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(route("/migrations/" + id))
                                                        .timeout(Duration.ofSeconds(10)).build(),
                                                HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        expect2xx(answer, "GET /migrations/" + id);
        ObjectNode stored = (ObjectNode) Json.mapper().readTree(answer.body());
        stored.remove(List.of("createdAt", "updatedAt", "candidates"));
        return Optional.of(Json.mapper().treeToValue(stored, Migration.class));
    }

    void submit(String migrationId, List<DiscoveredCandidate> candidates) throws IOException, InterruptedException {
        for (int from = 0; from < candidates.size(); from += BATCH) {
            List<DiscoveredCandidate> batch = candidates.subList(from, Math.min(candidates.size(), from + BATCH));
            String route = "POST /migrations/" + migrationId + "/candidates";
            HttpResponse<byte[]> answer = post(route("/migrations/" + migrationId + "/candidates"), Json.bytes(batch));
            if (answer.statusCode() == 404) {
                // The announcement travels through the bus: the migration may not be stored yet.
                throw new IOException(route + ": the platform does not know the migration yet");
            }
            expect2xx(answer, route);
        }
    }

    /** The API's route, below whatever path the API's URL has (a gateway may serve it under a prefix). */
    private URI route(String path) {
        String base = api.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    void callback(String url, CallbackRequest report) throws IOException, InterruptedException {
        expect2xx(post(URI.create(url), Json.bytes(report)), "callback " + report.stepName() + " " + report.status().wire());
    }

    private HttpResponse<byte[]> post(URI uri, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri)
                                 .timeout(Duration.ofSeconds(30))
                                 .header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                         HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void expect2xx(HttpResponse<byte[]> answer, String what) throws IOException {
        int status = answer.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String body = new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (status / 100 == 4 && status != 404 && status != 408 && status != 429) {
            throw new Retries.Refused(what + " refused with " + status + ": " + body);
        }
        throw new IOException(what + " answered " + status + ": " + body);
    }

}
