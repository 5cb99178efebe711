package dev.drover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Drover API over HTTP, as the CLI needs it: JSON in, {@link JsonNode} out (read loosely: a field the API adds
 * later changes nothing here), every failure a {@link CliFailure} whose one line names the URL and the API's
 * error code and message.
 */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** A dry-run waits for the migrator, which the API gives up to a minute. */
    private static final Duration ANSWER = Duration.ofSeconds(90);

    private final Connection connection;
    private final Path home;
    /** HTTP/1.1 without an h2c upgrade: what every proxy in front of the API passes, event streams included. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT).build();
    private static final String USER_AGENT = "drover-cli/0.1.0";

    ApiClient(Connection connection, Path home) {
        this.connection = connection;
        this.home = home;
    }

    URI api() {
        return connection.api();
    }

    /** A path of segments, each escaped: ids come from the command line. */
    static String path(String... segments) {
        return Stream.of(segments).map(s -> "/" + URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining());
    }

    static String query(Map<String, List<String>> parameters) {
        String joined = parameters.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
        return joined.isEmpty() ? "" : "?" + joined;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    URI uri(String pathAndQuery) {
        String base = connection.api().toString().replaceAll("/+$", "");
        return URI.create(base + pathAndQuery);
    }

    JsonNode get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    /** POSTs {@code body} as JSON (none when null) and answers the API's JSON. */
    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    private JsonNode send(String method, String pathAndQuery, Object body) {
        URI uri = uri(pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(ANSWER)
                .header("Authorization", "Bearer " + connection.token())
                .header("Accept", "application/json").header("User-Agent", USER_AGENT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write the request body", e);
            }
        }
        HttpResponse<String> answer = exchange(method, uri, request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw refused(method, uri, answer.statusCode(), answer.body());
        }
        return parse(method, uri, answer.body());
    }

    /**
     * Follows a Server-Sent Events stream until it ends (the server closed it: answers normally) or the thread is
     * interrupted. Each event goes to {@code events}; comments (keepalives) are skipped.
     */
    void stream(String path, Consumer<ServerSentEvent> events) {
        URI uri = uri(path);
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + connection.token())
                .header("Accept", "text/event-stream").header("User-Agent", USER_AGENT).GET().build();
        HttpResponse<Stream<String>> answer = exchange("GET", uri, request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = answer.body()) {
            if (answer.statusCode() != 200) {
                throw refused("GET", uri, answer.statusCode(), lines.collect(Collectors.joining("\n")));
            }
            ServerSentEvent.Parser parser = new ServerSentEvent.Parser(events);
            lines.forEach(parser::line);
        } catch (java.io.UncheckedIOException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "the event stream at " + uri + " broke off (" + reason(e.getCause()) + ")");
        }
    }

    private <T> HttpResponse<T> exchange(String method, URI uri, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw unreachable(method, uri, e);
        } catch (HttpTimeoutException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, method + " " + uri + ": no answer within " + ANSWER.toSeconds() + " s");
        } catch (IOException e) {
            throw unreachable(method, uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.UNAVAILABLE, method + " " + uri + ": interrupted");
        }
    }

    private CliFailure unreachable(String method, URI uri, IOException e) {
        return new CliFailure(ExitCodes.UNAVAILABLE, "cannot reach the API at " + connection.api() + " (" + method + " " + uri + ": "
                + reason(e) + "); is it running? --api or DROVER_API_URL names another");
    }

    private static String reason(Throwable e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static JsonNode parse(String method, URI uri, String body) {
        if (body == null || body.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, method + " " + uri + ": the answer is not JSON");
        }
    }

    /** The API's {@code {"error": {"code", "message"}}} as one line; the exit code from the status. */
    private CliFailure refused(String method, URI uri, int status, String body) {
        String detail;
        try {
            JsonNode error = JSON.readTree(body == null ? "" : body).path("error");
            detail = error.isObject() ? error.path("code").asText("?") + ": " + error.path("message").asText("") : shorten(body);
        } catch (JsonProcessingException e) {
            detail = shorten(body);
        }
        String line = method + " " + uri + ": " + status + " " + detail;
        if (status == 401) {
            line += Connection.isLocalStack(connection.api(), home) ? " (a new token: " + Connection.TOKEN_HINT + ")"
                                                                    : " (get a new token from the identity provider)";
        }
        int code = status == 404 ? ExitCodes.NOT_FOUND : status >= 500 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED;
        return new CliFailure(code, line);
    }

    private static String shorten(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }
}
