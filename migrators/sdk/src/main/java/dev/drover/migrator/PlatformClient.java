package dev.drover.migrator;

import dev.drover.contract.event.AnnouncementOutcome;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.run.Callback;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The few platform calls a migrator makes, each with the migrator's bearer token, and only ever to the configured
 * URLs (callbacks included: their URL is built here from the run id, never taken from an event). Each call
 * either returns, throws {@link Retries.Refused} when the platform said no for good, or throws something worth
 * retrying (unreachable, 5xx, not known yet, no token yet).
 */
final class PlatformClient {
    /** The platform takes at most this many candidates per request. */
    static final int BATCH = 5_000;

    /**
     * 403 on a migration: another migrator app owns it (the platform's {@code not_owner}). Announcing or submitting
     * again cannot change that; an admin's transfer can.
     */
    static final class NotOwner extends Retries.Refused {
        NotOwner(String message) {
            super(message);
        }
    }

    private final URI api;
    private final URI callbacks;
    private final TokenSource tokens;
    // No redirects: every request carries the migrator's token, which must reach the platform only.
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    PlatformClient(URI api, URI callbacks, TokenSource tokens) {
        this.api = api;
        this.callbacks = callbacks;
        this.tokens = tokens;
    }

    /** The migration as the platform stores it, without its owner, counts and timestamps; empty while unknown. */
    Optional<Migration> migration(String id) throws IOException, InterruptedException {
        String what = "GET /migrations/" + id;
        HttpResponse<byte[]> answer = http.send(authorized(HttpRequest.newBuilder(route("/migrations/" + id)))
                                                        .timeout(Duration.ofSeconds(10)).build(),
                                                HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        refuseIfNotOwner(answer, what);
        expect2xx(answer, what);
        ObjectNode stored = (ObjectNode) Json.mapper().readTree(answer.body());
        stored.remove(List.of("owner", "createdAt", "updatedAt", "candidates"));
        return Optional.of(Json.mapper().treeToValue(stored, Migration.class));
    }

    /**
     * The platform's last word on this app's announcement of {@code id} ({@code GET /registry/announcements/{id}}):
     * accepted, or dropped and why; empty while it has read none.
     */
    Optional<AnnouncementOutcome> announcementOutcome(String id) throws IOException, InterruptedException {
        String what = "GET /registry/announcements/" + id;
        HttpResponse<byte[]> answer = http.send(authorized(HttpRequest.newBuilder(route("/registry/announcements/" + id)))
                                                        .timeout(Duration.ofSeconds(10)).build(),
                                                HttpResponse.BodyHandlers.ofByteArray());
        expect2xx(answer, what);
        var items = Json.mapper().readTree(answer.body()).path("items");
        return items.isEmpty() ? Optional.empty()
                               : Optional.of(Json.mapper().treeToValue(items.get(0), AnnouncementOutcome.class));
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
            refuseIfNotOwner(answer, route);
            expect2xx(answer, route);
        }
    }

    /** Where a run's step results go: the platform's callback route, under the configured callback URL. */
    String callbackUrl(String runId) {
        return route(callbacks, "/event/" + runId).toString();
    }

    /** Where the platform serves the public keys its signatures verify with. */
    URI keysUrl() {
        return route("/platform/keys");
    }

    void callback(String runId, Callback report) throws IOException, InterruptedException {
        if (runId == null || runId.length() > Check.SLUG_MAX || !Check.SLUG.matcher(runId).matches()) {
            throw new Retries.Refused("run id '" + PlatformProof.abbreviate(runId) + "' is no slug: no callback for it");
        }
        String what = "callback " + report.stepName() + " " + report.status().wire();
        HttpResponse<byte[]> answer = post(URI.create(callbackUrl(runId)), Json.bytes(report));
        if (answer.statusCode() == 401) {
            // Retried, not dropped: a token problem can pass (a late rotation, the IdP's keys), a lost result strands the run.
            throw new IOException(what + ": the platform does not accept this migrator's token (401: " + body(answer) + ")");
        }
        expect2xx(answer, what);
    }

    /** The API's route, below whatever path the API's URL has (a gateway may serve it under a prefix). */
    private URI route(String path) {
        return route(api, path);
    }

    private static URI route(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) throws IOException {
        return request.header("Authorization", "Bearer " + tokens.token());
    }

    private HttpResponse<byte[]> post(URI uri, byte[] body) throws IOException, InterruptedException {
        return http.send(authorized(HttpRequest.newBuilder(uri))
                                 .timeout(Duration.ofSeconds(30))
                                 .header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                         HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void refuseIfNotOwner(HttpResponse<byte[]> answer, String what) {
        if (answer.statusCode() == 403) {
            throw new NotOwner(what + " refused with 403: " + body(answer));
        }
    }

    private static void expect2xx(HttpResponse<byte[]> answer, String what) throws IOException {
        int status = answer.statusCode();
        if (status / 100 == 2) {
            return;
        }
        if (status == 401) {
            throw new Retries.Refused(what + ": the platform does not accept this migrator's token (401: " + body(answer)
                    + "); check its identity (DROVER_TOKEN_FILE or DROVER_TOKEN_URL...) against the platform's "
                    + "DROVER_MIGRATOR_ISSUER and DROVER_MIGRATOR_AUDIENCE");
        }
        if (status / 100 == 4 && status != 404 && status != 408 && status != 429) {
            throw new Retries.Refused(what + " refused with " + status + ": " + body(answer));
        }
        throw new IOException(what + " answered " + status + ": " + body(answer));
    }

    private static String body(HttpResponse<byte[]> answer) {
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
