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
        // The sign-in page is another function (the sign-in pages' own), listed after the console: an exact route
        // beneath the prefix still wins over it, as on the Gateway.
        FunctionServer.configure(server, Settings.fromEnvironment(Map.of()), List.of(new Console(new ConsoleApi(() -> nowhere)), new SignIn()),
                                 List.of(), List.of(), TestTrust.TRUST.authenticator());
    }

    /** Stands where the sign-in pages will be: reachable without a credential, by its own declaration. */
    private static final class SignIn implements dev.drover.core.function.Function {
        @Override
        public dev.drover.core.function.FunctionSpec spec() {
            return dev.drover.core.function.FunctionSpec.rest("console-sign-in", io.helidon.http.Method.GET, "/console/sign-in",
                                                              dev.drover.core.auth.Access.CONTENT);
        }

        @Override
        public void handle(io.helidon.webserver.http.ServerRequest req, io.helidon.webserver.http.ServerResponse res) {
            res.send("sign in here");
        }
    }

    @Test
    void anExactRouteBeneathThePrefixWinsOverThePages() throws Exception {
        HttpResponse<String> signIn = browser.page("/console/sign-in?next=%2Fconsole%2F", null);
        assertEquals(200, signIn.statusCode());
        assertEquals("sign in here", signIn.body());
        assertEquals(302, browser.page("/console/sign-in/other", null).statusCode(), "anything else below the prefix is the console's");
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
