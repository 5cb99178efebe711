package dev.drover.hello;

import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;

/**
 * Helidon SE's hello world, as its quickstart writes it: the cold-start benchmark's baseline ({@code PORT}, default
 * 8080; {@code GET /hello}).
 */
public final class HelloWorld {
    private HelloWorld() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        WebServer server = WebServer.builder()
                .port(port)
                .routing(routing -> routing.get("/hello", (req, res) -> res.send("Hello World!")))
                .build()
                .start();
        System.out.println("hello world listening on http://localhost:" + server.port());
    }
}
