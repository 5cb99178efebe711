package dev.drover.migrator;

import dev.drover.contract.json.Json;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform as a migrator meets it, over real HTTP: its keys ({@code GET /platform/keys}, for a bearer only)
 * and the callback route, which records each report with the Authorization header it came with (and answers 503
 * while {@link #unavailable} is positive). It signs step events and requests as the platform does.
 */
final class TestPlatform implements AutoCloseable {
    /** A report as it arrived. */
    record Received(String runId, String authorization, Callback report) {
    }

    final SigningKeys keys = SigningKeys.generate();
    final String migratorToken;
    final BlockingQueue<Received> callbacks = new LinkedBlockingQueue<>();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger keyFetches = new AtomicInteger();
    private final WebServer server;

    TestPlatform(String migratorToken) {
        this.migratorToken = migratorToken;
        this.server = WebServer.builder().port(0).routing(r -> r
                .get("/platform/keys", (req, res) -> {
                    keyFetches.incrementAndGet();
                    if (!req.headers().first(HeaderNames.AUTHORIZATION).orElse("").equals("Bearer " + migratorToken)) {
                        res.status(Status.UNAUTHORIZED_401).send();
                        return;
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json").send(keys.publicKeys().toString(true));
                })
                .post("/event/{runId}", (req, res) -> {
                    callbacks.add(new Received(req.path().pathParameters().get("runId"),
                                               req.headers().first(HeaderNames.AUTHORIZATION).orElse(null),
                                               Json.read(req.content().as(byte[].class), Callback.class)));
                    if (unavailable.getAndDecrement() > 0) {
                        res.status(Status.SERVICE_UNAVAILABLE_503).send();
                    } else {
                        res.send("{\"applied\":true}");
                    }
                })).build().start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    String callbackUrl(String runId) {
        return uri() + "/event/" + runId;
    }

    /** A step event as the worker publishes it: signed for {@code addressee}. */
    CloudEvent signed(StepEvent event, String id, String addressee) {
        return signed(event, id, addressee, keys, Instant.now());
    }

    static CloudEvent signed(StepEvent event, String id, String addressee, SigningKeys by, Instant at) {
        byte[] data = Json.bytes(event);
        return CloudEventBuilder.v1(unsigned(event, id, addressee))
                .withExtension(Signatures.EVENT_EXTENSION, Signatures.signEvent(by, id, StepEvent.TYPE, addressee, data, at))
                .build();
    }

    static CloudEvent unsigned(StepEvent event, String id, String addressee) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/drover/runs")).withType(StepEvent.TYPE)
                .withExtension(StepEvent.MIGRATOR_EXTENSION, addressee)
                .withDataContentType("application/json").withData(Json.bytes(event)).build();
    }

    /** The bearer the platform sends with a request to migrator {@code app}. */
    String signRequest(String app, String path, byte[] body) {
        return Signatures.signRequest(keys, app, "POST", path, body, Instant.now());
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Waits up to 15 s until {@code migrator} has ended {@code runs} discovery runs since its start, and no more. */
    static void awaitDiscoveryRuns(Migrator migrator, int runs) throws InterruptedException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (migrator.discoveryRuns() < runs && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        org.junit.jupiter.api.Assertions.assertEquals(runs, migrator.discoveryRuns());
    }
}
