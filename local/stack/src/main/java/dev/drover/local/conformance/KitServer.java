package dev.drover.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.event.Announcement;
import dev.drover.core.event.EventDelivery;
import dev.drover.contract.json.Json;
import dev.drover.local.stack.LocalStack;
import io.cloudevents.CloudEvent;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The kit's own listener, beside the local stack, where it watches the migrator under test from the platform's side:
 * <ul>
 *     <li>{@code GET /dapr/subscribe}, {@code POST /announcements}: a Dapr app subscribed to {@code migration-registry},
 *     so every announcement is seen as Dapr delivered it (the platform's own subscription gets it too);</li>
 *     <li>{@code POST /captured}: the broker's trigger for the app under test pushes its step events here, not to the
 *     migrator, so the kit decides how and how often each one reaches it;</li>
 *     <li>{@code POST /event/{runId}}: the migrator's callback base ({@code DROVER_CALLBACK_URL}); each callback is
 *     recorded, then passed to the platform's API and its answer passed back.</li>
 * </ul>
 */
final class KitServer implements AutoCloseable {
    static final String DAPR_APP = "drover-conformance";
    static final String CAPTURE_PATH = "/captured";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(30);

    /** A step event as the broker pushed it. */
    record Captured(CloudEvent event, byte[] data, JsonNode json) {
        String runId() {
            return json.path("runId").asText();
        }

        String step() {
            return json.path("step").path("name").asText();
        }

        int dispatch() {
            return json.path("dispatch").asInt();
        }
    }

    /** A callback the migrator made, and what the platform answered it. */
    record Callback(String runId, String stepName, int dispatch, String status, String message, String body,
                    int answer, String answerBody) {
        boolean ends() {
            return !"pending".equals(status);
        }

        String describe() {
            return status + (message == null || message.isBlank() ? "" : " (\"" + Report.abbreviate(message, 120) + "\")");
        }
    }

    private final WebServer web;
    private final Supplier<URI> api;
    private final Supplier<String> appTokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<JsonNode> announcements = new LinkedBlockingQueue<>();
    private final List<Captured> captured = new ArrayList<>();
    private final List<Callback> callbacks = new ArrayList<>();

    /**
     * @param api      the platform's API, once the stack runs (the server must listen before: its URL goes into the
     *                 stack's settings as the callback base)
     * @param appToken the Dapr stand-in's app token, once the stack runs: required on the Dapr routes, as on the platform's
     */
    private KitServer(String host, int port, Supplier<URI> api, Supplier<String> appToken) {
        this.api = api;
        this.appTokens = appToken;
        this.web = WebServer.builder()
                .host(host)
                .port(port)
                .featuresDiscoverServices(false)
                .routing(routing -> routing
                        .get("/dapr/subscribe", this::subscribe)
                        .post("/announcements", this::announced)
                        .post(CAPTURE_PATH, this::capture)
                        .post("/event/{runId}", this::callback))
                .build()
                .start();
    }

    static KitServer start(String host, int port, Supplier<URI> api, Supplier<String> appToken) {
        return new KitServer(host, port, api, appToken);
    }

    int port() {
        return web.port();
    }

    private void subscribe(ServerRequest req, ServerResponse res) {
        if (!fromDapr(req, res)) {
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(List.of(java.util.Map.of("pubsubname", LocalStack.PUBSUB, "topic", Announcement.TOPIC,
                                                     "route", "/announcements"))));
    }

    private void announced(ServerRequest req, ServerResponse res) {
        if (!fromDapr(req, res)) {
            return;
        }
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        try {
            announcements.add(Json.mapper().readTree(body));
        } catch (IOException e) {
            // Dapr delivers JSON (its envelope, or the publisher's CloudEvent); anything else is the kit's problem to see.
            announcements.add(Json.mapper().createObjectNode().put("unreadable", new String(body, StandardCharsets.UTF_8)));
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send("{\"status\":\"SUCCESS\"}");
    }

    /** As the platform's subscription routes do: only the sidecar, which sends the app token, may deliver. */
    private boolean fromDapr(ServerRequest req, ServerResponse res) {
        String expected = appTokens.get();
        String given = req.headers().first(HeaderNames.create("dapr-api-token")).orElse("");
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            res.status(Status.UNAUTHORIZED_401).send("invalid app token");
            return false;
        }
        return true;
    }

    private void capture(ServerRequest req, ServerResponse res) {
        EventDelivery delivery = EventDelivery.read(req);
        if (delivery.event().isEmpty()) {
            res.status(Status.BAD_REQUEST_400).send("not a CloudEvent");
            return;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(delivery.data());
        } catch (IOException e) {
            res.status(Status.BAD_REQUEST_400).send("the step event's data is not JSON");
            return;
        }
        synchronized (captured) {
            captured.add(new Captured(delivery.event().get(), delivery.data(), json));
            captured.notifyAll();
        }
        res.status(Status.ACCEPTED_202).send();
    }

    private void callback(ServerRequest req, ServerResponse res) {
        String runId = req.path().pathParameters().get("runId");
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        HttpRequest.Builder forward = HttpRequest.newBuilder(api.get().resolve("/event/" + runId)).timeout(FORWARD_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        req.headers().first(HeaderNames.AUTHORIZATION).ifPresent(v -> forward.header("Authorization", v));
        req.headers().first(HeaderNames.CONTENT_TYPE).ifPresent(v -> forward.header("Content-Type", v));
        int status;
        String answer;
        String contentType;
        try {
            HttpResponse<String> platform = http.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            status = platform.statusCode();
            answer = platform.body();
            contentType = platform.headers().firstValue("Content-Type").orElse("application/json");
        } catch (IOException e) {
            status = 502;
            answer = "{\"code\":\"kit_forward_failed\",\"message\":\"the conformance kit could not reach the platform\"}";
            contentType = "application/json";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            res.status(Status.SERVICE_UNAVAILABLE_503).send();
            return;
        }
        JsonNode json = readOrEmpty(body);
        synchronized (callbacks) {
            callbacks.add(new Callback(runId, json.path("stepName").asText(null), json.path("dispatch").asInt(0),
                                       json.path("status").asText(null), json.path("message").asText(null),
                                       new String(body, StandardCharsets.UTF_8), status, answer));
            callbacks.notifyAll();
        }
        res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, contentType).send(answer);
    }

    private static JsonNode readOrEmpty(byte[] body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            return node == null ? Json.mapper().createObjectNode() : node;
        } catch (IOException e) {
            return Json.mapper().createObjectNode();
        }
    }

    /** The next announcement Dapr delivered, or empty after {@code patience}. */
    Optional<JsonNode> nextAnnouncement(Duration patience) throws InterruptedException {
        return Optional.ofNullable(announcements.poll(patience.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The first captured step event that matches and was not taken yet; it is taken. Empty after {@code patience}. */
    Optional<Captured> takeStep(Predicate<Captured> matching, Duration patience) throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        synchronized (captured) {
            while (true) {
                for (int i = 0; i < captured.size(); i++) {
                    if (matching.test(captured.get(i))) {
                        return Optional.of(captured.remove(i));
                    }
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                captured.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Every callback recorded so far that matches. */
    List<Callback> callbacks(Predicate<Callback> matching) {
        synchronized (callbacks) {
            return callbacks.stream().filter(matching).toList();
        }
    }

    /** The first recorded callback that matches, waiting up to {@code patience} for it. */
    Optional<Callback> awaitCallback(Predicate<Callback> matching, Duration patience) throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        synchronized (callbacks) {
            while (true) {
                Optional<Callback> found = callbacks.stream().filter(matching).findFirst();
                if (found.isPresent()) {
                    return found;
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                callbacks.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    @Override
    public void close() {
        web.stop();
    }
}
