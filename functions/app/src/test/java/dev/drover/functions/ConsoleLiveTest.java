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
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migration page's live relay, against a small fake of the API's {@code GET /migrations/{id}/events} written to
 * the shared format (brief §2) while the API's side is being built: it sends counts, candidate and rollout events and
 * keepalives, and notices when its stream is closed. The console runs as in production, behind the routing's real
 * authentication.
 */
@ServerTest
class ConsoleLiveTest {
    private static final HttpServer UPSTREAM = upstream();
    private static final AtomicReference<String> FORWARDED = new AtomicReference<>();
    private static final CountDownLatch UPSTREAM_CLOSED = new CountDownLatch(1);
    private static final java.util.concurrent.BlockingQueue<String> POSTED = new java.util.concurrent.LinkedBlockingQueue<>();

    private final URI console;

    ConsoleLiveTest(URI uri) {
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
            server.createContext("/migrations/", exchange -> {
                if (exchange.getRequestMethod().equals("POST")) {
                    bulk(exchange);
                } else {
                    events(exchange);
                }
            });
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void events(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/migrations/beta/events")) {
            byte[] body = "{\"error\":{\"code\":\"migration_not_found\",\"message\":\"no migration nope\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        FORWARDED.set(exchange.getRequestHeaders().getFirst("Authorization"));
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String hostile = "<img src=x onerror=alert(1)>\\nline two";
        String run = "{\"runId\":\"r1\",\"attempt\":2,\"status\":\"running\",\"step\":{\"name\":\"rename\",\"status\":\"failed\","
                + "\"dispatches\":1,\"message\":\"" + hostile.replace("\"", "\\\"") + "\",\"metadata\":{\"changeUrl\":\"javascript:alert(1)\"},"
                + "\"updatedAt\":\"2026-12-01T10:00:00Z\"}}";
        try {
            write(out, "event: counts\ndata: {\"migrationId\":\"beta\",\"total\":60,\n"
                    + "data: \"byStatus\":{\"not_started\":50,\"running\":5,\"failed\":2,\"completed\":3}}\n\n");
            write(out, "event: candidate\ndata: {\"migrationId\":\"beta\",\"candidateId\":\"topic-010\",\"status\":\"failed\",\"run\":" + run + "}\n\n");
            write(out, "event: candidate\ndata: {\"migrationId\":\"beta\",\"candidateId\":\"topic-011\",\"status\":\"running\",\"run\":"
                    + "{\"runId\":\"r2\",\"attempt\":1,\"status\":\"running\",\"step\":{\"name\":\"rename\",\"status\":\"pending\","
                    + "\"message\":\"waiting for review\",\"metadata\":{\"changeUrl\":\"https://git.example/pr/11\"}}}}\n\n");
            write(out, "event: candidate\ndata: {\"migrationId\":\"other\",\"candidateId\":\"x\",\"status\":\"running\",\"run\":null}\n\n");
            write(out, "event: rollout\ndata: {\"rolloutId\":\"ro1\",\"migrationId\":\"beta\",\"status\":\"running\"}\n\n");
            // keepalives until the console closes the stream (the browser went away)
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

    /** The bulk API as brief §3 fixes it: what was asked is kept for the test, the answer says what was applied. */
    private static void bulk(HttpExchange exchange) throws IOException {
        POSTED.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                           + exchange.getRequestHeaders().getFirst("Authorization") + " "
                           + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        byte[] body = "{\"action\":\"retry\",\"selected\":3,\"applied\":2,\"skipped\":1}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(202, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void theBulkBarPostsTheTickedRowsOrTheFilterAsTheSelectorWithThePersonsToken() throws Exception {
        String token = TestTrust.operator();
        HttpRequest.Builder post = HttpRequest.newBuilder(console.resolve("/console/migrations/beta/bulk"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "drover_session=" + token)
                .header("Sec-Fetch-Site", "same-origin");
        HttpResponse<String> ticked = HttpClient.newHttpClient().send(
                post.copy().POST(HttpRequest.BodyPublishers.ofString("action=retry&ids=topic-007&ids=topic-010&ids=%3Cscript%3E")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, ticked.statusCode(), ticked.body());
        assertEquals("/console/migrations/beta?done=retry&selected=3&applied=2&skipped=1", ticked.headers().firstValue("Location").orElse(""));
        assertEquals("POST /migrations/beta/bulk/retry Bearer " + token + " {\"selector\":{\"ids\":[\"topic-007\",\"topic-010\"]}}",
                     POSTED.poll(), "only ids that can name a candidate are sent");

        HttpResponse<String> filtered = HttpClient.newHttpClient().send(
                post.copy().POST(HttpRequest.BodyPublishers.ofString("action=cancel&scope=filter&status=running&meta=team%3Dt1&q=topic-0"
                                                                             + "&ids=topic-007")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, filtered.statusCode());
        assertTrue(filtered.headers().firstValue("Location").orElse("").startsWith(
                "/console/migrations/beta?status=running&meta=team%3Dt1&q=topic-0&done=cancel"), filtered.headers().toString());
        assertEquals("POST /migrations/beta/bulk/cancel Bearer " + token
                             + " {\"selector\":{\"idPrefix\":\"topic-0\",\"metadata\":{\"team\":\"t1\"},\"status\":[\"running\"]}}",
                     POSTED.poll(), "everything matching the filter");

        HttpResponse<String> rollout = HttpClient.newHttpClient().send(
                post.copy().POST(HttpRequest.BodyPublishers.ofString("action=start&scope=filter&status=not_started&concurrency=5")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, rollout.statusCode());
        assertEquals("POST /migrations/beta/rollouts Bearer " + token
                             + " {\"concurrency\":5,\"selector\":{\"status\":[\"not_started\"]}}", POSTED.poll());
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void candidateEventsBecomeRowsAndCountsTheProgressBarAndTheUpstreamClosesWhenTheBrowserGoes() throws Exception {
        String token = TestTrust.operator();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Stream<String>> live = http.send(HttpRequest.newBuilder(console.resolve("/console/migrations/beta/live"))
                                                              .header("Cookie", "drover_session=" + token)
                                                              .header("Accept", "text/event-stream").build(),
                                                      HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, live.statusCode());
        assertTrue(live.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
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
        assertEquals("Bearer " + token, FORWARDED.get(), "the person's own token goes to the API");
        // retry, counts, two rows; the other migration's candidate and the rollout are not relayed here
        assertEquals(4, events.size(), String.join("\n---\n", events));
        assertTrue(events.get(0).startsWith("retry: "));

        String counts = events.get(1);
        assertTrue(counts.startsWith("event: counts\n"), counts);
        assertTrue(counts.contains("id=\"progress-beta\"") && counts.contains("hx-swap-oob=\"true\""), counts);
        assertTrue(counts.contains("aria-valuenow=\"5\""), "3 of 60 completed: " + counts);

        String failed = events.get(2);
        assertTrue(failed.startsWith("event: candidate\n"), failed);
        assertTrue(failed.contains("<template><tr id=\"row-topic-010\" hx-swap-oob=\"true\""), failed);
        assertTrue(failed.contains(">rename<") && failed.contains("attempt 2"), failed);
        assertTrue(failed.contains("&lt;img src=x onerror=alert(1)&gt;"), "the step's message, as text: " + failed);
        assertFalse(failed.contains("<img"), failed);
        assertFalse(failed.contains("href=\"javascript:"), "a javascript: URL is never a link: " + failed);
        assertTrue(failed.contains("data-testid=\"row-select\""), "an operator's rows keep their checkbox");
        for (String line : failed.split("\n")) {
            assertTrue(line.startsWith("event: ") || line.startsWith("data: "), "every line of the event is a field: " + line);
        }

        String pending = events.get(3);
        assertTrue(pending.contains("row-topic-011") && pending.contains("href=\"https://git.example/pr/11\""), pending);

        live.body().close(); // the browser goes away
        assertTrue(UPSTREAM_CLOSED.await(20, TimeUnit.SECONDS), "the console closes its stream to the API once the browser is gone");
    }

    @Test
    void whatTheApiRefusesIsTheLiveRoutesAnswer() throws Exception {
        HttpResponse<String> missing = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(console.resolve("/console/migrations/nope/live")).header("Authorization", "Bearer " + TestTrust.viewer())
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("no migration nope"), missing.body());
    }
}
