package dev.drover.migrator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Empty;
import dev.drover.contract.event.Announcement;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.dapr.v1.DaprGrpc;
import io.dapr.v1.DaprPubsubProtos.PublishEventRequest;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Announcing through the Dapr client the SDK builds itself, to a sidecar that records what arrives: the event carries
 * the migrator's token, the gRPC call carries Dapr's API token; the platform (a test server) serves the migration
 * once announced, or says another app owns it.
 */
class AnnouncerTest {
    private static final String TOKEN = "migrator-token";
    private static final Migration MIGRATION = new Migration("announced", "Announced", "", List.of(),
                                                             List.of(new Step("noop", "", "m", "noop", Map.of())), List.of());

    private record Published(String topic, String daprApiToken, CloudEvent event) {
    }

    private final BlockingQueue<Published> published = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> submissions = new LinkedBlockingQueue<>();
    private final AtomicReference<byte[]> stored = new AtomicReference<>();
    private final AtomicInteger ownerRefusals = new AtomicInteger();
    private volatile boolean ownedByAnother;
    /** When set, the platform drops the announcement for this reason: it never serves the migration, and says why. */
    private volatile String droppedFor;
    private Server sidecar;
    private WebServer platform;

    @BeforeEach
    void serve() throws Exception {
        Metadata.Key<String> apiToken = Metadata.Key.of("dapr-api-token", Metadata.ASCII_STRING_MARSHALLER);
        Metadata[] headers = new Metadata[1];
        ServerInterceptor recordHeaders = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata metadata, ServerCallHandler<Q, A> next) {
                headers[0] = metadata;
                return next.startCall(call, metadata);
            }
        };
        DaprGrpc.DaprImplBase dapr = new DaprGrpc.DaprImplBase() {
            @Override
            public void publishEvent(PublishEventRequest request, StreamObserver<Empty> response) {
                CloudEvent event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
                        .deserialize(request.getData().toByteArray());
                published.add(new Published(request.getTopic(), headers[0].get(apiToken), event));
                stored.set(event.getData().toBytes());
                response.onNext(Empty.getDefaultInstance());
                response.onCompleted();
            }
        };
        sidecar = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(dapr, recordHeaders)).build().start();
        platform = WebServer.builder().port(0).routing(r -> r
                .get("/migrations/{id}", (req, res) -> {
                    if (ownedByAnother) {
                        ownerRefusals.incrementAndGet();
                        res.status(Status.FORBIDDEN_403).send("{\"error\":{\"code\":\"not_owner\",\"message\":\"migrator app m does "
                                                                      + "not own migration 'announced' (other does)\"}}");
                    } else if (stored.get() == null || droppedFor != null) {
                        res.status(Status.NOT_FOUND_404).send();
                    } else {
                        // As the platform serves it: the definition plus owner, timestamps and counts.
                        ObjectNode served = (ObjectNode) Json.mapper().readTree(stored.get());
                        served.put("owner", "m").put("createdAt", "2026-01-01T00:00:00Z").put("updatedAt", "2026-01-01T00:00:00Z");
                        served.putObject("candidates").put("total", 0);
                        res.send(Json.bytes(served));
                    }
                })
                .get("/registry/announcements/{id}", (req, res) -> {
                    if (droppedFor == null) {
                        res.send("{\"items\":[]}");
                    } else {
                        res.send(Json.bytes(Map.of("items", List.of(Map.of(
                                "migrationId", "announced", "app", "m", "outcome", "dropped", "code", "invalid_migration",
                                "reason", droppedFor, "at", java.time.Instant.now().toString())))));
                    }
                })
                .post("/migrations/{id}/candidates", (req, res) -> {
                    submissions.add(req.headers().first(HeaderNames.AUTHORIZATION).orElse("") + " "
                                            + req.content().as(String.class));
                    res.send("{}");
                })).build().start();
        // What DAPR_GRPC_ENDPOINT and DAPR_API_TOKEN say in a pod; the Dapr SDK reads system properties first.
        System.setProperty("dapr.grpc.endpoint", "127.0.0.1:" + sidecar.getPort());
        System.setProperty("dapr.api.token", "dapr-secret");
    }

    @AfterEach
    void stop() {
        System.clearProperty("dapr.grpc.endpoint");
        System.clearProperty("dapr.api.token");
        platform.stop();
        sidecar.shutdownNow();
    }

    private Migrator start() {
        return Migrator.builder("m", MIGRATION)
                .discovery(() -> List.of(new DiscoveredCandidate("alpha", "folder", Map.of(), List.of(), List.of())))
                .step("noop", step -> StepResult.succeeded(Map.of(), "nothing"))
                .tokens(TokenSource.of(TOKEN))
                .patience(Duration.ofSeconds(20))
                .start(MigratorSettings.local(URI.create("http://127.0.0.1:" + platform.port())));
    }

    @Test
    void theAnnouncementCarriesTheMigratorsTokenAndTheCallDaprsApiToken() throws Exception {
        try (Migrator migrator = start()) {
            Published announcement = published.poll(10, TimeUnit.SECONDS);
            assertNotNull(announcement, "nothing was published");
            assertEquals(Announcement.TOPIC, announcement.topic());
            assertEquals("dapr-secret", announcement.daprApiToken(), "the SDK's Dapr client sends DAPR_API_TOKEN");
            assertEquals(Announcement.TYPE, announcement.event().getType());
            assertEquals(TOKEN, announcement.event().getExtension(Announcement.TOKEN_EXTENSION));
            assertEquals(MIGRATION, Json.read(announcement.event().getData().toBytes(), Migration.class));

            String submitted = submissions.poll(10, TimeUnit.SECONDS);
            assertNotNull(submitted, "the platform serves the migration (owner and all), so its candidates are submitted");
            assertEquals("Bearer " + TOKEN, submitted.substring(0, submitted.indexOf(' ', 7)));
            assertNull(published.poll(200, TimeUnit.MILLISECONDS), "announced once");
        }
    }

    @Test
    void anotherAppsMigrationIsNeitherAnnouncedAgainNorGivenCandidates() throws Exception {
        ownedByAnother = true;
        try (Migrator migrator = start()) {
            assertNotNull(published.poll(10, TimeUnit.SECONDS));
            TestPlatform.awaitDiscoveryRuns(migrator, 1);
            migrator.discover(); // the next tick
            TestPlatform.awaitDiscoveryRuns(migrator, 2);
            assertNull(published.poll(200, TimeUnit.MILLISECONDS), "not announced again");
            assertNull(submissions.poll(200, TimeUnit.MILLISECONDS), "no candidates for another app's migration");
            int refusals = ownerRefusals.get();
            Thread.sleep(500);
            assertEquals(refusals, ownerRefusals.get(), "no retrying");
        }
    }

    @Test
    void anAnnouncementThePlatformDroppedIsLoggedWithTheReason() throws Exception {
        droppedFor = "step 'noop' names no migrator app";
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(Announcer.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try (Migrator migrator = start()) {
            assertNotNull(published.poll(10, TimeUnit.SECONDS), "Dapr took it: publishing alone says nothing of the outcome");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (warnings.stream().noneMatch(r -> r.getMessage().contains("dropped")) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            String message = warnings.stream().map(java.util.logging.LogRecord::getMessage).filter(m -> m.contains("dropped"))
                    .findFirst().orElseThrow(() -> new AssertionError("no warning says the announcement was dropped: " + warnings));
            assertEquals("m announced announced: the platform dropped the announcement (invalid_migration: " + droppedFor + ")", message);
            assertNull(submissions.poll(200, TimeUnit.MILLISECONDS), "no candidates for a migration the platform does not serve");
        } finally {
            logger.removeHandler(capture);
        }
    }
}
