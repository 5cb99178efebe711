package dev.drover.migrators.appchart;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GitHubWebhookTest {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheSignatureFromGitHubsDocumentation() {
        // the test vector of GitHub's "Validating webhook deliveries" page
        GitHubWebhook webhook = new GitHubWebhook("It's a Secret to Everybody");

        assertTrue(webhook.verify(HELLO, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
        assertEquals("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", webhook.signature(HELLO));
    }

    @Test
    void refusesAnotherSecretATamperedBodyAndMalformedHeaders() {
        GitHubWebhook webhook = new GitHubWebhook("It's a Secret to Everybody");
        String valid = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

        assertFalse(new GitHubWebhook("another secret").verify(HELLO, valid));
        assertFalse(webhook.verify("Hello, World?".getBytes(StandardCharsets.UTF_8), valid));
        assertFalse(webhook.verify(HELLO, null));
        assertFalse(webhook.verify(HELLO, "sha1=757107ea0eb2509fc211221cce984b8a37570b6d"));
        assertFalse(webhook.verify(HELLO, "sha256=not-hex"));
    }

    @Test
    void recognisesOnlyAMergedPullRequest() throws Exception {
        byte[] merged = """
                {"action":"closed","number":7,"pull_request":{"merged":true,"head":{"ref":"drover/app-chart-upgrade/checkout"}}}
                """.getBytes(StandardCharsets.UTF_8);
        byte[] closed = """
                {"action":"closed","number":7,"pull_request":{"merged":false,"head":{"ref":"drover/app-chart-upgrade/checkout"}}}
                """.getBytes(StandardCharsets.UTF_8);

        assertEquals(Optional.of("drover/app-chart-upgrade/checkout"), GitHubWebhook.mergedBranch("pull_request", merged));
        assertEquals(Optional.empty(), GitHubWebhook.mergedBranch("pull_request", closed));
        assertEquals(Optional.empty(), GitHubWebhook.mergedBranch("push", merged));
        assertEquals(Optional.of(new Branches.Owner("app-chart-upgrade", "checkout")),
                     Branches.owner("drover/app-chart-upgrade/checkout"));
    }

    @Test
    void theWebhookRouteRefusesUnsignedDeliveriesAndReportsMergedBranches() throws Exception {
        GitHubWebhook webhook = new GitHubWebhook("s3cret");
        List<String> merged = new CopyOnWriteArrayList<>();
        WebServer server = WebServer.builder().port(0)
                .routing(r -> r.register("/github/webhook", new GitHubWebhookService(webhook, merged::add))).build().start();
        try {
            byte[] body = """
                    {"action":"closed","pull_request":{"merged":true,"head":{"ref":"drover/app-chart-upgrade/ledger"}}}
                    """.getBytes(StandardCharsets.UTF_8);

            int forged = post(server, body, new GitHubWebhook("guess").signature(body));
            int signed = post(server, body, webhook.signature(body));

            assertEquals(401, forged);
            assertEquals(200, signed);
            assertEquals(List.of("drover/app-chart-upgrade/ledger"), merged);
        } finally {
            server.stop();
        }
    }

    private static int post(WebServer server, byte[] body, String signature) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/github/webhook"))
                        .header("X-GitHub-Event", "pull_request").header("X-Hub-Signature-256", signature)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
