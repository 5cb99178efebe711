package dev.drover.local.stack;

import dev.drover.core.function.Settings;
import dev.drover.local.stack.ListeningSockets.Socket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Regression: a developer's local stack answers nothing from the network. Every listener of a started
 * stack, as the kernel reports it in /proc/net/tcp(6), is bound to 127.0.0.1 only; {@code DROVER_BIND=0.0.0.0}
 * opens them. Also: the Dapr stand-in of the stack requires its API token.
 */
class BindAddressTest {
    private static final Set<String> EVERY_PART = Set.of("api", "issuer", "temporal", "dapr-grpc", "dapr-http", "broker",
                                                         "hello-migrator", "app-chart-migrator");

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(ListeningSockets.available(), "reads /proc/net/tcp");
    }

    private static Settings functions() {
        return Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                               "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
    }

    @Test
    void bindingDefaultsToLoopbackAndDroverBindOpensIt() {
        assertEquals("127.0.0.1", LocalStackSettings.fromEnvironment(Map.of()).bind());
        assertEquals("0.0.0.0", LocalStackSettings.fromEnvironment(Map.of("DROVER_BIND", "0.0.0.0")).bind());
        // DAPR_API_TOKEN, as daprd reads it, fixes the stand-in's token; the settings never print it.
        LocalStackSettings given = LocalStackSettings.fromEnvironment(Map.of("DAPR_API_TOKEN", "chosen-token"));
        assertEquals("chosen-token", given.daprApiToken().orElseThrow());
        assertFalse(given.toString().contains("chosen-token"), given.toString());
        assertTrue(LocalStackSettings.fromEnvironment(Map.of()).daprApiToken().isEmpty());
    }

    @Test
    void everyListenerOfTheStackIsOnLoopbackOnly() throws Exception {
        try (DemoStack demo = DemoStack.start()) {
            LocalStack stack = demo.stack();
            List<LocalStack.Listener> listeners = stack.listeners();
            assertEquals(EVERY_PART, listeners.stream().map(LocalStack.Listener::part).collect(Collectors.toSet()));
            for (LocalStack.Listener listener : listeners) {
                List<Socket> sockets = ListeningSockets.onPort(listener.port());
                assertFalse(sockets.isEmpty(), listener + ": no listening socket of this process on its port");
                for (Socket socket : sockets) {
                    assertEquals("127.0.0.1", socket.address().getHostAddress(), listener + " listens on " + socket);
                }
            }
            assertTrue(stack.describe().contains("Listening on         127.0.0.1"), stack.describe());

            // The stand-in is locked like daprd with DAPR_API_TOKEN: the stack's own DaprClient carries the
            // token (the demo's announcement goes through it over gRPC), anyone else is refused.
            demo.api().await("hello-world announced through the Dapr stand-in", "/migrations/hello-world", Duration.ofSeconds(60),
                             migration -> migration.path("id").asText().equals("hello-world"));
            int daprHttp = listeners.stream().filter(l -> l.part().equals("dapr-http")).findFirst().orElseThrow().port();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> refused = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daprHttp + "/v1.0/publish/pubsub/migration-registry"))
                                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, refused.statusCode());
            }
            assertEquals(43, stack.daprApiToken().length(), "256 bits, base64url without padding");
            assertEquals(43, stack.appApiToken().length());
            assertNotEquals(stack.daprApiToken(), stack.appApiToken());
        }
    }

    @Test
    void droverBindZeroOpensEveryListenerToEveryInterface() {
        LocalStackSettings settings = LocalStackSettings.ephemeral(functions(), FreePort.pick()).withoutDemo().withBind("0.0.0.0");
        LocalStack stack = LocalStack.start(settings);
        try {
            assertEquals(Set.of("api", "issuer", "temporal", "dapr-grpc", "dapr-http", "broker"),
                         stack.listeners().stream().map(LocalStack.Listener::part).collect(Collectors.toSet()));
            for (LocalStack.Listener listener : stack.listeners()) {
                List<Socket> sockets = ListeningSockets.onPort(listener.port());
                assertFalse(sockets.isEmpty(), listener + ": no listening socket of this process on its port");
                for (Socket socket : sockets) {
                    assertTrue(socket.address().isAnyLocalAddress(), listener + " listens on " + socket);
                }
            }
            assertTrue(stack.apiUri().toString().startsWith("http://127.0.0.1:"), "reached over loopback: " + stack.apiUri());
            assertTrue(stack.describe().contains("Listening on         0.0.0.0"), stack.describe());
        } finally {
            stack.close();
            StackKeys.drop(stack.state());
        }
    }
}
