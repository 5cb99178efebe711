package dev.drover.functions;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.drover.console.Console;
import dev.drover.console.api.ConsoleApi;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The candidate page's live relay ({@code .../candidates/{cid}/live}) against a small fake of the API's
 * {@code GET /migrations/{id}/events} in the shared format (brief §2), as {@link ConsoleLiveTest} does for the
 * migration page while the API's side is being built: only this candidate's events pass, as a bare {@code changed}.
 */
@ServerTest
class ConsoleCandidateLiveTest {
    private static final HttpServer UPSTREAM = upstream();
    private static final CountDownLatch UPSTREAM_CLOSED = new CountDownLatch(1);

    private final URI console;

    ConsoleCandidateLiveTest(URI uri) {
        this.console = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        URI api = URI.create("http://127.0.0.1:" + UPSTREAM.getAddress().getPort());
        FunctionServer.configure(server, Settings.fromEnvironment(Map.of()), List.of(new Console(new ConsoleApi(() -> api))),
                                 List.of(), List.of(), TestTrust.TRUST.authenticator());
    }

    @AfterAll
    static void stop() {
        UPSTREAM.stop(0);
    }

    private static HttpServer upstream() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/migrations/beta/events", ConsoleCandidateLiveTest::events);
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void events(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            write(out, "event: counts\ndata: {\"migrationId\":\"beta\",\"total\":2,\"byStatus\":{\"not_started\":1,\"running\":1,\"failed\":0,\"completed\":0}}\n\n");
            write(out, "event: candidate\ndata: {\"migrationId\":\"beta\",\"candidateId\":\"topic-011\",\"status\":\"running\",\"run\":null}\n\n");
            write(out, "event: candidate\ndata: {\"migrationId\":\"beta\",\"candidateId\":\"topic-010\",\"status\":\"running\",\"run\":null}\n\n");
            write(out, "event: candidate\ndata: {\"migrationId\":\"other\",\"candidateId\":\"topic-010\",\"status\":\"failed\",\"run\":null}\n\n");
            write(out, "event: candidate\ndata: not json\n\n");
            for (int i = 0; i < 600; i++) {
                write(out, ": keepalive\n\n");
                Thread.sleep(50);
            }
        } catch (IOException e) {
            UPSTREAM_CLOSED.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void onlyThisCandidatesEventsReachItsPageAndTheUpstreamClosesWhenThePageGoes() throws Exception {
        HttpResponse<Stream<String>> live = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(console.resolve("/console/migrations/beta/candidates/topic-010/live"))
                        .header("Cookie", "drover_session=" + TestTrust.viewer()).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, live.statusCode());
        List<String> events = new ArrayList<>();
        StringBuilder event = new StringBuilder();
        Iterator<String> lines = live.body().iterator();
        int keepalives = 0;
        while (keepalives < 2 && lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (event.toString().startsWith(": keepalive")) {
                    keepalives++;
                } else if (!event.isEmpty()) {
                    events.add(event.toString());
                }
                event.setLength(0);
            } else {
                event.append(line).append('\n');
            }
        }
        assertEquals(List.of("retry: 3000\n", "event: changed\ndata: topic-010\n"), events,
                     "counts, another candidate, another migration's and an unreadable event are not passed on");
        live.body().close();
        assertTrue(UPSTREAM_CLOSED.await(10, TimeUnit.SECONDS), "the API's stream is closed once the page is gone");
    }
}
