package dev.drover.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The console's way to the API: plain HTTP to {@code DROVER_API_URL} with the signed-in person's own token, so
 * the API decides what that person may see and do, exactly as for the CLI or curl. The console holds no state and
 * opens no store. Answers are read as JSON trees, not the API's records: a field the API adds tomorrow must not
 * break a page today.
 */
public final class ConsoleApi {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final Supplier<URI> base;
    private final HttpClient http;

    /** @param base the API's address; a supplier, because the local stack knows its own port only once it listens */
    public ConsoleApi(Supplier<URI> base) {
        this.base = base;
        // Never follow redirects: the token goes to the API's address and nowhere else.
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The API's address from {@code DROVER_API_URL}, if set.
     *
     * @throws IllegalArgumentException when it is set and is not an http(s) URL with a host
     */
    public static Optional<URI> url(Map<String, String> env) {
        String url = env.get("DROVER_API_URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DROVER_API_URL=" + url + " is not a URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("DROVER_API_URL=" + url + " is not an http(s) URL");
        }
        return Optional.of(uri);
    }

    /**
     * The API's address from {@code DROVER_API_URL}, which a process serving the console beside no API must have.
     *
     * @throws IllegalArgumentException when it is not set, or not an http(s) URL with a host
     */
    public static URI requiredUrl(Map<String, String> env) {
        return url(env).orElseThrow(() -> new IllegalArgumentException(
                "DROVER_API_URL is not set: the console calls the API there, with each person's token"));
    }

    /** {@code GET path} (with its query, already encoded) as the person whose token this is. */
    public JsonNode get(String pathAndQuery, String token) {
        return send(request(pathAndQuery, token).GET().build());
    }

    /** {@code POST path} with a JSON body. */
    public JsonNode post(String path, Object body, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build());
    }

    /**
     * Opens a Server-Sent Events stream ({@code Accept: text/event-stream}) and answers its lines as they come; the
     * caller closes the stream, which closes the connection. No answer timeout: the stream lives as long as the page.
     */
    public Stream<String> events(String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        }
        if (answer.statusCode() != 200) {
            String body;
            try (Stream<String> lines = answer.body()) {
                body = String.join("\n", lines.limit(100).toList());
            }
            throw error(answer.statusCode(), body);
        }
        return answer.body();
    }

    private HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).timeout(ANSWER).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private URI uri(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/") || pathAndQuery.startsWith("//")) {
            throw new IllegalArgumentException("an API path, not a URL: " + pathAndQuery);
        }
        URI api = base.get();
        String root = api.toString().endsWith("/") ? api.toString().substring(0, api.toString().length() - 1) : api.toString();
        return URI.create(root + pathAndQuery);
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        }
        if (answer.statusCode() / 100 != 2) {
            throw error(answer.statusCode(), new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (answer.body().length == 0) {
            return Json.mapper().createObjectNode();
        }
        try {
            return Json.mapper().readTree(answer.body());
        } catch (IOException e) {
            throw new ApiError(502, "api_answer_unreadable", "the API answered " + answer.statusCode() + " with a body that is not JSON");
        }
    }

    /** The API's {@code {"error":{"code","message"}}}, or the status alone when the body is not that. */
    static ApiError error(int status, String body) {
        try {
            JsonNode error = Json.mapper().readTree(body).path("error");
            if (error.path("code").isTextual()) {
                return new ApiError(status, error.path("code").asText(), error.path("message").asText(""));
            }
        } catch (IOException | UncheckedIOException e) {
            // not the API's error shape (a proxy's page): the status says enough
        }
        return new ApiError(status, status == 503 ? "unavailable" : "http_" + status, "the API answered " + status);
    }

    private static ApiError unavailable(Exception e) {
        String why = e instanceof HttpTimeoutException ? "did not answer in time" : "cannot be reached (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        return new ApiError(503, "api_unavailable", "the Drover API " + why);
    }
}
