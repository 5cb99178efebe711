package dev.drover.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A small real HTTP server that answers as the brief's interfaces say the API will (candidate rows with their run,
 * rollouts, the event stream), for the commands whose API lands from other branches. It records every request.
 */
final class FakeApi implements AutoCloseable {
    record Request(String method, String pathAndQuery, String body, String authorization) {
    }

    record Answer(int status, String contentType, String body) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body);
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
    private final Map<String, List<String>> streams = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code METHOD /path} (without the query) with what {@code answer} makes of the request. */
    FakeApi on(String method, String path, Function<Request, Answer> answer) {
        routes.put(method + " " + path, answer);
        return this;
    }

    /** Serves {@code GET path} as {@code text/event-stream}: these chunks, each flushed, then the stream ends. */
    FakeApi stream(String path, List<String> chunks) {
        streams.put(path, chunks);
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Request request = new Request(exchange.getRequestMethod(), path + (query == null ? "" : "?" + query),
                                      new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                                      exchange.getRequestHeaders().getFirst("Authorization"));
        requests.add(request);
        List<String> chunks = streams.get(path);
        if (chunks != null && request.method().equals("GET")) {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String chunk : chunks) {
                    out.write(chunk.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException e) {
                // the client stopped reading: it had what it wanted
            }
            return;
        }
        Function<Request, Answer> route = routes.get(request.method() + " " + path);
        Answer answer = route == null
                ? Answer.json(404, "{\"error\":{\"code\":\"route_not_found\",\"message\":\"no route " + path + "\"}}")
                : route.apply(request);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
