package dev.drover.local.dapr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Asks an app which topics it subscribes to: Dapr's programmatic subscription, {@code GET /dapr/subscribe}
 * answering a JSON array of {@code {"pubsubname","topic","route"}} or of the v2 shape
 * {@code {"pubsubname","topic","routes":{"rules":[...],"default":"/x"}}}, each with an optional
 * {@code deadLetterTopic}. Routing rules (CEL {@code match} expressions) are not evaluated: the default
 * route gets every event, and a subscription with rules but no default is skipped, with a warning.
 */
final class SubscriptionDiscovery {
    private static final System.Logger LOGGER = System.getLogger(SubscriptionDiscovery.class.getName());

    private final HttpClient http;
    private final Duration timeout;
    private final Optional<String> appToken;

    /** @param appToken sent as {@code dapr-api-token}, as daprd sends its APP_API_TOKEN on every call to an app */
    SubscriptionDiscovery(HttpClient http, Duration timeout, Optional<String> appToken) {
        this.http = http;
        this.timeout = timeout;
        this.appToken = appToken;
    }

    /**
     * The app's subscriptions; a 404 means it has none, as Dapr reads it.
     *
     * @throws IOException when the app does not answer, or answers something other than a JSON array
     */
    List<AppSubscription> discover(DaprApp app) throws IOException, InterruptedException {
        URI uri = app.resolve("/dapr/subscribe");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        appToken.ifPresent(token -> request.header(ApiToken.HEADER, token));
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return List.of();
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("GET " + uri + " answered " + response.statusCode());
        }
        return parse(app.appId(), response.body());
    }

    static List<AppSubscription> parse(String appId, byte[] body) throws IOException {
        JsonNode root = Json.mapper().readTree(body);
        if (root == null || !root.isArray()) {
            throw new IOException("/dapr/subscribe of app " + appId + " is not a JSON array");
        }
        List<AppSubscription> subscriptions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode item : root) {
            Optional<AppSubscription> subscription = read(appId, item);
            if (subscription.isEmpty()) {
                continue;
            }
            AppSubscription s = subscription.get();
            // Dapr refuses two subscriptions of one app to the same topic; the first one stands.
            if (!seen.add(s.pubsubname() + "\n" + s.topic())) {
                LOGGER.log(Level.WARNING, "app %s subscribes twice to %s topic %s; ignoring %s"
                        .formatted(appId, s.pubsubname(), s.topic(), item));
                continue;
            }
            subscriptions.add(s);
        }
        return List.copyOf(subscriptions);
    }

    private static Optional<AppSubscription> read(String appId, JsonNode item) {
        String pubsub = text(item, "pubsubname");
        String topic = text(item, "topic");
        String route = text(item, "route");
        JsonNode routes = item.path("routes");
        if (route.isEmpty() && routes.isObject()) {
            route = text(routes, "default");
            if (routes.path("rules").isArray() && !routes.path("rules").isEmpty()) {
                LOGGER.log(Level.WARNING, "app %s: routing rules of topic %s are not evaluated by the local stack; %s"
                        .formatted(appId, topic, route.isEmpty() ? "no default route, skipping it" : "using the default route " + route));
            }
        }
        if (pubsub.isEmpty() || topic.isEmpty() || route.isEmpty()) {
            LOGGER.log(Level.WARNING, "app %s: ignoring a subscription without pubsubname, topic or route: %s".formatted(appId, item));
            return Optional.empty();
        }
        String deadLetterTopic = text(item, "deadLetterTopic");
        return Optional.of(new AppSubscription(appId, pubsub, topic, route.startsWith("/") ? route : "/" + route,
                                               deadLetterTopic.isEmpty() ? Optional.empty() : Optional.of(deadLetterTopic)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText().trim() : "";
    }
}
