package dev.drover.local.dapr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.local.stream.MessageHandler;
import dev.drover.local.stream.Outcome;
import dev.drover.local.stream.StreamMessage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Delivers a topic's events to one app's route as Dapr does over HTTP: the CloudEvent in structured
 * mode ({@code Content-Type: application/cloudevents+json}), POSTed to the route the app declared.
 */
final class AppDelivery implements MessageHandler {
    private static final System.Logger LOGGER = System.getLogger(AppDelivery.class.getName());

    private final HttpClient http;
    private final AppSubscription subscription;
    private final Supplier<Optional<DaprApp>> app;
    private final Duration timeout;
    private final Optional<String> appToken;
    private final Clock clock;

    /**
     * @param app      the app as currently registered (its URL may change when it is added again)
     * @param appToken sent as {@code dapr-api-token}, as daprd sends its APP_API_TOKEN on every call to an app
     */
    AppDelivery(HttpClient http, AppSubscription subscription, Supplier<Optional<DaprApp>> app, Duration timeout,
                Optional<String> appToken, Clock clock) {
        this.http = http;
        this.subscription = subscription;
        this.app = app;
        this.timeout = timeout;
        this.appToken = appToken;
        this.clock = clock;
    }

    @Override
    public Outcome deliver(StreamMessage message) {
        String event = message.fields().get(Publisher.EVENT_FIELD);
        JsonNode parsed;
        try {
            parsed = event == null ? null : Json.mapper().readTree(event);
        } catch (IOException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            return Outcome.deadLetter("stream entry " + message.id() + " holds no CloudEvent");
        }
        String what = subscription.describe() + ", event " + parsed.path("id").asText("(no id)");
        if (DaprEnvelope.expired(parsed, clock.instant())) {
            LOGGER.log(Level.WARNING, what + ": expired at " + parsed.path(DaprEnvelope.EXPIRATION).asText()
                    + "; the event is dropped");
            return Outcome.DONE;
        }
        Optional<DaprApp> target = app.get();
        if (target.isEmpty()) {
            return Outcome.retry("app " + subscription.appId() + " is not registered");
        }
        URI uri = target.get().resolve(subscription.route());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", DaprEnvelope.CLOUD_EVENT_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(event));
        appToken.ifPresent(token -> request.header(ApiToken.HEADER, token));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return Outcome.retry("cannot reach " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.retry("interrupted while delivering to " + uri);
        }
        return DaprAnswer.interpret(response.statusCode(), response.body(), what);
    }
}
