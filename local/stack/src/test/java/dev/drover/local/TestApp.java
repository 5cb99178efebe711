package dev.drover.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A subscriber over a real socket: a Helidon web server that records every request it receives and
 * answers as scripted (GETs too: it can stand in for a sidecar's health endpoint); it also answers
 * Dapr's {@code GET /dapr/subscribe} with the JSON it is given, and records those requests as well.
 */
public final class TestApp implements AutoCloseable {
    /** One request as it arrived. Header names are lower-case. */
    public record Received(String path, Map<String, String> headers, byte[] body, Instant at) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A scripted answer. */
    public record Reply(int status, String body) {
        public static Reply of(int status) {
            return new Reply(status, "");
        }

        public static Reply dapr(String verdict) {
            return new Reply(200, "{\"status\":\"" + verdict + "\"}");
        }
    }

    /** Chooses the answer to the n-th request (1-based) to a path. */
    @FunctionalInterface
    public interface Script {
        Reply answer(int n);
    }

    private final WebServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private volatile String subscriptions;

    private TestApp(int port) {
        this.server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .featuresDiscoverServices(false)
                .routing(routing -> routing
                        .get("/dapr/subscribe", this::subscribe)
                        .get("/*", this::record)
                        .post("/*", this::record))
                .build()
                .start();
    }

    public static TestApp start() {
        return new TestApp(0);
    }

    /** On a port chosen beforehand, e.g. one a stand-in was already told to call. */
    public static TestApp start(int port) {
        return new TestApp(port);
    }

    /** A port nothing listens on yet (free when asked; the OS does not hand it out again at once). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code GET /dapr/subscribe} answers; null answers 404. */
    public TestApp subscriptions(String json) {
        this.subscriptions = json;
        return this;
    }

    public TestApp answer(String path, Script script) {
        scripts.put(path, script);
        return this;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public URI url(String path) {
        return URI.create(baseUrl() + path);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void subscribe(ServerRequest req, ServerResponse res) {
        remember(req);
        String json = subscriptions;
        if (json == null) {
            res.status(Status.NOT_FOUND_404).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json);
    }

    private void record(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        int n = remember(req);
        Reply reply = scripts.getOrDefault(path, ignored -> Reply.of(200)).answer(n);
        res.status(Status.create(reply.status()));
        if (reply.body().isEmpty()) {
            res.send();
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(reply.body());
        }
    }

    /** Records the request; answers how many requests its path has had, this one included. */
    private int remember(ServerRequest req) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : req.headers()) {
            headers.put(header.name().toLowerCase(Locale.ROOT), String.join(",", header.allValues()));
        }
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        String path = req.path().path();
        synchronized (received) {
            received.add(new Received(path, Map.copyOf(headers), body, Instant.now()));
            return received(path).size();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
