package dev.drover.local.stack;

import dev.drover.core.event.EventDelivery;
import dev.drover.core.json.Json;
import dev.drover.core.model.DiscoveredCandidate;
import dev.drover.core.model.Migration;
import dev.drover.core.model.Step;
import dev.drover.core.run.CallbackRequest;
import dev.drover.core.run.StepEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.dapr.client.DaprClient;
import io.dapr.client.domain.PublishEventRequest;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local stack's built-in migrator: announces a migration through Dapr, submits its candidates,
 * and answers each step event pushed to {@code POST /steps} through its {@link StepHandler}. It speaks
 * the same contract a real migrator does (the Java SDK of the Migrators issue will take its place).
 * Step events are acknowledged at once and handled off the request thread; a redelivered event (same
 * id) is acknowledged and not handled again.
 */
public final class DemoMigrator implements AutoCloseable {
    public static final String APP_ID = "noop-migrator";
    public static final String MIGRATION_ID = "demo-noop";
    private static final System.Logger LOGGER = System.getLogger(DemoMigrator.class.getName());

    private final String appId;
    private final StepHandler handler;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final WebServer server;

    private DemoMigrator(String appId, int port, StepHandler handler) {
        this.appId = appId;
        this.handler = handler;
        this.server = WebServer.builder()
                .port(port)
                .routing(routing -> routing.post("/steps", (req, res) -> {
                    EventDelivery delivery = EventDelivery.read(req);
                    StepEvent event = Json.read(delivery.data(), StepEvent.class);
                    String id = delivery.event().map(e -> e.getId()).orElse(event.runId() + "/" + event.step().name() + "/" + event.dispatch());
                    if (seen.add(id)) {
                        work.submit(() -> execute(event));
                    }
                    res.status(Status.ACCEPTED_202).send();
                }))
                .build()
                .start();
    }

    public static DemoMigrator start(String appId, int port, StepHandler handler) {
        return new DemoMigrator(appId, port, handler);
    }

    /** The no-op demo migration: three steps that succeed at once. */
    public static Migration demoMigration() {
        return new Migration(MIGRATION_ID, "Demo: a no-op migration",
                             "Runs three steps that change nothing, so the local stack shows a migration end to end.",
                             List.of("Prepare", "Change", "Verify"),
                             List.of(new Step("prepare", "Check the candidate", APP_ID, "noop", Map.of()),
                                     new Step("change", "Pretend to change it", APP_ID, "noop", Map.of()),
                                     new Step("verify", "Check the change", APP_ID, "noop", Map.of())),
                             List.of());
    }

    public static List<DiscoveredCandidate> demoCandidates(int count) {
        return java.util.stream.IntStream.rangeClosed(1, count)
                .mapToObj(i -> new DiscoveredCandidate("demo-%02d".formatted(i), "demo", Map.of("team", i % 2 == 0 ? "blue" : "green"),
                                                       List.of(), List.of()))
                .toList();
    }

    public URI stepsUri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/steps");
    }

    public String appId() {
        return appId;
    }

    /** Publishes the migration on {@code migration-registry}, as every migrator does on startup. */
    public static void announce(DaprClient dapr, String pubsub, Migration migration, String source) {
        byte[] event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(
                CloudEventBuilder.v1()
                        .withId(UUID.randomUUID().toString())
                        .withSource(URI.create(source))
                        .withType("dev.drover.migration.announced")
                        .withDataContentType("application/json")
                        .withData(Json.bytes(migration))
                        .build());
        dapr.publishEvent(new PublishEventRequest(pubsub, "migration-registry", event).setContentType(JsonFormat.CONTENT_TYPE))
                .block(Duration.ofSeconds(10));
    }

    /**
     * Submits candidates, retrying while the platform does not know the migration yet (the announcement
     * travels through the bus) or does not answer; gives up after {@code patience}.
     */
    public void submit(URI api, String migrationId, List<DiscoveredCandidate> candidates, Duration patience) {
        long until = System.nanoTime() + patience.toNanos();
        HttpRequest request = HttpRequest.newBuilder(api.resolve("/migrations/" + migrationId + "/candidates"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(candidates)))
                .build();
        while (true) {
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    LOGGER.log(Level.INFO, appId + " submitted " + candidates.size() + " candidates: " + answer.body());
                    return;
                }
                if (answer.statusCode() != 404 && answer.statusCode() < 500) {
                    throw new IllegalStateException("candidates refused: " + answer.statusCode() + " " + answer.body());
                }
            } catch (java.io.IOException e) {
                LOGGER.log(Level.DEBUG, "platform not reachable yet: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the platform did not accept " + migrationId + "'s candidates within " + patience);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private void execute(StepEvent event) {
        handler.handle(event).ifPresent(report -> callBack(event, report));
    }

    /** Reports until the platform acknowledges (2xx) or refuses for good (4xx): it must not be lost. */
    public void callBack(StepEvent event, StepHandler.Report report) {
        CallbackRequest body = new CallbackRequest(event.step().name(), event.dispatch(), report.status(), report.metadata(),
                                                   report.message(), event.callback().token());
        HttpRequest request = HttpRequest.newBuilder(URI.create(event.callback().url()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)))
                .build();
        Duration backoff = Duration.ofMillis(100);
        for (int attempt = 1; attempt <= 50; attempt++) {
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() / 100 == 2) {
                    return;
                }
                if (answer.statusCode() / 100 == 4) {
                    LOGGER.log(Level.WARNING, "callback for " + event.runId() + "/" + event.step().name() + " refused: " + answer.body());
                    return;
                }
            } catch (java.io.IOException e) {
                LOGGER.log(Level.DEBUG, "callback failed, will retry: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
        }
        LOGGER.log(Level.ERROR, "gave up calling back for " + event.runId() + "/" + event.step().name());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop();
        work.shutdownNow();
    }
}
