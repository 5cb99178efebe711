package dev.drover.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The benchmark's view of the Drover API: plain java.net.http over HTTP/1.1 (one kept-alive connection,
 * as a sequential client would use), every call timed, every non-2xx answer a {@link Failed}.
 */
final class Api implements AutoCloseable {
    /** A request that did not answer 2xx (or did not answer at all): the run's numbers mean nothing then. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    /** One answer: its body parsed as JSON, and how long the round trip took (send to last body byte). */
    record Reply(JsonNode json, long nanos) {
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;
    private final String token;

    /** Calls {@code base} with {@code token} as the bearer token of every request. */
    Api(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    Reply get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Authorization", "Bearer " + token).GET(),
                    "GET " + pathAndQuery);
    }

    Reply post(String path, byte[] json) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(json)),
                    "POST " + path);
    }

    private Reply send(HttpRequest.Builder request, String what) {
        HttpResponse<byte[]> response;
        long start = System.nanoTime();
        try {
            response = client.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Failed(what + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed(what + " interrupted");
        }
        long nanos = System.nanoTime() - start;
        if (response.statusCode() / 100 != 2) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            throw new Failed(what + " answered " + response.statusCode() + ": "
                                     + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
        }
        try {
            // Parsed outside the timed part: the numbers are the server's and the wire's, not Jackson's here.
            return new Reply(Json.mapper().readTree(response.body()), nanos);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " answered a body that is not JSON", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
