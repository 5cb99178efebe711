package dev.drover.migrators.hello;

import dev.drover.contract.json.Json;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.TokenSource;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example migrator over real HTTP, as the platform drives it: its files stay in the projects folder. */
class HelloMigratorTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private Path projects;
    private Path outside;
    private final SigningKeys keys = SigningKeys.generate();
    private final BlockingQueue<Callback> callbacks = new LinkedBlockingQueue<>();
    private WebServer platform;
    private Migrator migrator;

    @BeforeEach
    void start() throws Exception {
        projects = Files.createDirectories(dir.resolve("projects"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(projects.resolve("alpha"));
        platform = WebServer.builder().port(0).routing(r -> r.post("/event/{runId}", (req, res) -> {
            callbacks.add(Json.read(req.content().as(byte[].class), Callback.class));
            res.send("{\"applied\":true}");
        })).build().start();
        migrator = HelloMigrator.builder(projects, DemoFolders.around(projects))
                .tokens(TokenSource.of("hello-token"))
                .signatures(SignatureVerifier.of(keys))
                .patience(Duration.ofSeconds(10))
                .start(MigratorSettings.local(URI.create("http://127.0.0.1:" + platform.port())));
    }

    @AfterEach
    void stop() {
        migrator.close();
        platform.stop();
    }

    private HttpResponse<String> push(String runId, String candidate) throws Exception {
        StepEvent event = new StepEvent(runId, 1, 1, "hello-world", new StepEvent.StepRef("greet", "greet", Map.of()),
                                        new StepEvent.CandidateRef(candidate, "folder", Map.of(), List.of()), Map.of(),
                                        new StepEvent.CallbackAddress("http://127.0.0.1:" + platform.port() + "/event/" + runId, "t"));
        byte[] data = Json.bytes(event);
        String id = runId + "/greet/1";
        CloudEvent signed = CloudEventBuilder.v1().withId(id).withSource(URI.create("/drover/runs")).withType(StepEvent.TYPE)
                .withExtension(StepEvent.MIGRATOR_EXTENSION, HelloMigrator.APP_ID)
                .withExtension(Signatures.EVENT_EXTENSION, Signatures.signEvent(keys, id, StepEvent.TYPE, HelloMigrator.APP_ID, data,
                                                                                Instant.now()))
                .withDataContentType("application/json").withData(data).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(migrator.stepsUri());
        byte[][] body = new byte[1][];
        HttpMessageFactory.createWriter(request::header, bytes -> body[0] = bytes).writeBinary(signed);
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body[0])).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSignedStepGreetsItsProject() throws Exception {
        assertEquals(202, push("run-1", "alpha").statusCode());
        Callback report = callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(report);
        assertEquals(CallbackStatus.SUCCEEDED, report.status(), report.message());
        assertEquals("Hello, alpha!\n", Files.readString(projects.resolve("alpha/HELLO.md")));
    }

    @Test
    void aCandidateIdThatLeavesTheProjectsFolderIsRefusedAndWritesNothing() throws Exception {
        boolean tmpXExisted = Files.exists(Path.of("/tmp/x/HELLO.md"));
        for (String id : List.of("../../../../tmp/x", "/tmp/x", "../outside", outside.toString())) {
            HttpResponse<String> answer = push("run-2", id);
            assertEquals(400, answer.statusCode(), id + ": " + answer.body());
            assertTrue(answer.body().contains("malformed_event"), answer.body());
        }
        assertNull(callbacks.poll(300, TimeUnit.MILLISECONDS), "nothing was executed");
        assertEquals(tmpXExisted, Files.exists(Path.of("/tmp/x/HELLO.md")));
        assertFalse(Files.exists(outside.resolve("HELLO.md")));
        assertEquals(List.of(outside, projects, projects.resolve("alpha")), files(dir), "no file anywhere");
    }

    @Test
    void aProjectFolderThatIsASymlinkOutIsNotWrittenThrough() throws Exception {
        Files.createSymbolicLink(projects.resolve("linked"), outside);
        assertEquals(202, push("run-3", "linked").statusCode());
        Callback report = callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(report);
        assertEquals(CallbackStatus.FAILED, report.status());
        assertTrue(report.message().contains("symlink"), report.message());
        assertFalse(Files.exists(outside.resolve("HELLO.md")));
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root)).sorted().toList();
        }
    }
}
