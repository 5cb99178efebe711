package dev.drover.functions;

import dev.drover.console.Console;
import dev.drover.console.api.ConsoleApi;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.Settings;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A console whose API does not answer shows a page that says so and offers to try again, never a bare error. */
@ServerTest
class ConsoleApiDownTest {
    private final ConsoleBrowser browser;

    ConsoleApiDownTest(URI uri) {
        this.browser = new ConsoleBrowser(uri);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        URI nowhere = URI.create("http://127.0.0.1:1"); // nothing listens on port 1
        FunctionServer.configure(server, Settings.fromEnvironment(Map.of()), List.of(new Console(new ConsoleApi(() -> nowhere))),
                                 List.of(), List.of(), TestTrust.TRUST.authenticator());
    }

    @Test
    void anUnreachableApiIsAnUnavailablePageWithARetry() throws Exception {
        HttpResponse<String> page = browser.page("/console/migrations/beta?status=failed", TestTrust.viewer());
        assertEquals(503, page.statusCode());
        assertEquals("5", page.headers().firstValue("Retry-After").orElse(""));
        assertEquals(1, ConsoleBrowser.count(page.body(), "error-state"));
        assertTrue(page.body().contains("href=\"/console/migrations/beta?status=failed\" data-testid=\"error-retry\""), page.body());
        assertTrue(page.body().contains("cannot be reached"), page.body());
    }
}
