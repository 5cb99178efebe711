package dev.drover.local.stack;

import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.local.broker.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A migrator joins a running stack by announcing a migratorUrl: its step events go to {@code <migratorUrl>/steps},
 * follow it when it announces from elsewhere, and never replace a route the stack was configured with.
 */
class JoiningMigratorsTest {
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = TestStacks.withoutDemo();
    }

    @AfterAll
    static void stop() {
        TestStacks.stop(stack);
    }

    private static Migration migration(String id, String app, String migratorUrl) {
        return new Migration(id, id, "", List.of(), List.of(new Step("work", "", app, "work", Map.of())), List.of())
                .withMigratorUrl(migratorUrl);
    }

    private static Optional<URI> route(String app) {
        return stack.broker().triggers().stream().filter(t -> t.name().equals(app)).map(Trigger::subscriber).findFirst();
    }

    private static Optional<URI> awaitRoute(String app, URI expected) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!route(app).equals(Optional.of(expected)) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        return route(app);
    }

    @Test
    void anAnnouncedMigratorUrlRoutesTheAppsStepEventsAndFollowsItsNextAnnouncement() throws Exception {
        stack.state().migrations().announce(migration("joins", "late-app", "http://127.0.0.1:9001"), "late-app");
        URI first = URI.create("http://127.0.0.1:9001/steps");
        assertEquals(Optional.of(first), awaitRoute("late-app", first), "the stack scans every second");

        stack.state().migrations().announce(migration("joins", "late-app", "http://127.0.0.1:9002/"), "late-app");
        URI moved = URI.create("http://127.0.0.1:9002/steps");
        assertEquals(Optional.of(moved), awaitRoute("late-app", moved), "restarted elsewhere: its events follow it");
    }

    @Test
    void aStepEventPublishedBetweenTheAnnouncementAndTheRouteStillReachesTheMigrator() throws Exception {
        java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer migrator = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        migrator.createContext("/steps", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("ce-id"));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        migrator.start();
        try {
            stack.state().migrations().announce(migration("early", "early-app", "http://127.0.0.1:" + migrator.getAddress().getPort()),
                                                "early-app");
            // At once, before the stack's next scan routes early-app: a run dispatched in that second.
            java.net.http.HttpResponse<String> published = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(stack.broker().ingressUri())
                            .header("ce-specversion", "1.0").header("ce-id", "run-1/work/1").header("ce-source", "/drover")
                            .header("ce-type", dev.drover.contract.run.StepEvent.TYPE).header("ce-migratorapp", "early-app")
                            .header("content-type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(202, published.statusCode(), published.body());
            assertEquals("run-1/work/1", received.poll(15, java.util.concurrent.TimeUnit.SECONDS),
                         "the event published after the announcement, before the route, is delivered once routed");
        } finally {
            migrator.stop(0);
        }
    }

    @Test
    void aConfiguredRouteIsNeverReplaced() throws Exception {
        URI configured = URI.create("http://127.0.0.1:9100/steps");
        stack.addMigrator("configured-app", configured); // as DROVER_MIGRATORS does
        stack.state().migrations().announce(migration("configured", "configured-app", "http://127.0.0.1:9200"), "configured-app");
        // a route of its own, then a scan that could have moved configured-app
        stack.state().migrations().announce(migration("witness", "witness-app", "http://127.0.0.1:9300"), "witness-app");
        URI witness = URI.create("http://127.0.0.1:9300/steps");
        assertEquals(Optional.of(witness), awaitRoute("witness-app", witness));
        Thread.sleep(1_500); // one more scan
        assertEquals(Optional.of(configured), route("configured-app"));
    }
}
