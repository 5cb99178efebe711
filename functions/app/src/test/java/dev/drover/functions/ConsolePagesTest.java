package dev.drover.functions;

import dev.drover.contract.model.CandidateStatus;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.core.state.RedisState;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's pages, rendered by the console function calling the real API (the same server, over HTTP, with the
 * person's token) on real Redis: three migrations, one with 60 candidates (two pages), one with hostile text.
 */
@ServerTest
class ConsolePagesTest {
    private static final RedisState STATE = TestState.create();
    /** The server's own address, for the console's API client: known once the server listens. */
    private static final AtomicReference<URI> SELF = new AtomicReference<>();
    private static final String HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";

    private final ConsoleBrowser browser;

    ConsolePagesTest(URI uri) {
        SELF.set(uri);
        this.browser = new ConsoleBrowser(uri);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Platform base = TestPlatform.withoutRuns(STATE);
        TestServer.configure(server, new Platform(base.state(), base.runs(), base.brokerUrl(), base.history(), base.trust(), SELF::get));
    }

    /** alpha: 3 candidates; beta: 60 (team t0..t2 by i % 3; every 10th running, every 15th completed); gamma: hostile text. */
    @BeforeAll
    static void load() {
        STATE.migrations().announce(Fixtures.migration("alpha"), "app-chart-migrator");
        STATE.candidates().merge("alpha", List.of(Fixtures.candidate("a1", Map.of()), Fixtures.candidate("a2", Map.of()),
                                                  Fixtures.candidate("a3", Map.of())));
        STATE.migrations().announce(new Migration("beta", "Rename topics", "Renames every Kafka topic", List.of("Rename", "Verify"),
                                                  List.of(new Step("rename", "Rename the topic", "topic-migrator", "", Map.of())),
                                                  List.of(new Input("prefix", "Topic prefix", "What new names start with"))),
                                    "topic-migrator");
        List<DiscoveredCandidate> beta = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            beta.add(Fixtures.candidate(betaId(i), Map.of("team", "t" + i % 3)));
        }
        STATE.candidates().merge("beta", beta);
        for (int i = 0; i < 60; i++) {
            if (i % 15 == 0) {
                TestState.runTo(STATE, "beta", betaId(i), CandidateStatus.COMPLETED);
            } else if (i % 10 == 0) {
                TestState.runTo(STATE, "beta", betaId(i), CandidateStatus.RUNNING);
            }
        }
        TestState.runTo(STATE, "beta", betaId(7), CandidateStatus.FAILED);
        STATE.migrations().announce(new Migration("gamma", HOSTILE, HOSTILE, List.of(HOSTILE),
                                                  List.of(new Step("evil", HOSTILE, "gamma-migrator", "", Map.of())), List.of()),
                                    "gamma-migrator");
        STATE.candidates().merge("gamma", List.of(Fixtures.candidate("g1", Map.of("note", HOSTILE))));
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    private static String betaId(int i) {
        return "topic-%03d".formatted(i);
    }

    @Test
    void theMigrationsPageListsEveryMigrationWithOwnerProgressAndWhatRunsAndFailed() throws Exception {
        HttpResponse<String> page = browser.page("/console/migrations", TestTrust.viewer());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
        String html = page.body();
        assertEquals(3, ConsoleBrowser.count(html, "migration-row"));
        assertTrue(html.contains("data-migration=\"beta\""));
        assertTrue(html.contains(">Rename topics</a>"));
        assertTrue(html.contains(">topic-migrator<"), "the owner app");
        // beta: 60 candidates, 4 completed (0, 15, 30, 45), 4 running (10, 20, 40, 50), 1 failed (7)
        String beta = html.substring(html.indexOf("data-migration=\"beta\""));
        beta = beta.substring(0, beta.indexOf("</tr>"));
        assertTrue(beta.contains("role=\"progressbar\""), beta);
        assertTrue(beta.contains("aria-valuenow=\"7\""), "4 of 60 completed is 7%: " + beta);
        assertTrue(beta.contains("data-running=\"4\"") && beta.contains("data-failed=\"1\""), beta);
        assertTrue(beta.contains("<time datetime="), "last activity");
    }

    @Test
    void theConsoleRootIsTheMigrationsPage() throws Exception {
        for (String path : List.of("/console", "/console/")) {
            HttpResponse<String> page = browser.page(path, TestTrust.viewer());
            assertEquals(200, page.statusCode(), path);
            assertEquals(3, ConsoleBrowser.count(page.body(), "migration-row"), path);
        }
    }

    @Test
    void hostileTextFromAMigratorStaysText() throws Exception {
        for (String path : List.of("/console/migrations", "/console/migrations/gamma",
                                   "/console/migrations/gamma?meta=" + java.net.URLEncoder.encode("note=" + HOSTILE, "UTF-8"))) {
            String html = browser.page(path, TestTrust.viewer()).body();
            assertFalse(html.contains("<script>alert"), path + ": " + html);
            assertFalse(html.contains("<img src=x"), path);
            assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), path);
        }
    }

    @Test
    void theMigrationPageShowsTheOverviewAndPagesThroughCandidatesFiftyAtATime() throws Exception {
        String first = browser.page("/console/migrations/beta", TestTrust.viewer()).body();
        assertTrue(first.contains("Renames every Kafka topic"));
        assertTrue(first.contains("<li>Rename</li>") && first.contains("<li>Verify</li>"), "phases");
        assertTrue(first.contains("<strong>rename</strong>"), "steps");
        assertTrue(first.contains("Topic prefix (prefix)"), "required inputs");
        List<String> page1 = ConsoleBrowser.rows(first);
        assertEquals(50, page1.size());
        assertEquals(betaId(0), page1.getFirst());
        String next = ConsoleBrowser.href(first, "page-next");
        String second = browser.page(next, TestTrust.viewer()).body();
        List<String> page2 = ConsoleBrowser.rows(second);
        assertEquals(10, page2.size());
        Set<String> all = new HashSet<>(page1);
        all.addAll(page2);
        assertEquals(60, all.size(), "two pages, every candidate once");
        assertEquals(0, ConsoleBrowser.count(second, "page-next"), "the last page");
        assertEquals(1, ConsoleBrowser.count(second, "page-first"));
        assertTrue(first.contains("href=\"/console/migrations/beta/candidates/topic-000\""), "each id links to its candidate's page");
    }

    @Test
    void theTableFiltersByStatusAndByMetadata() throws Exception {
        assertEquals(List.of(betaId(10), betaId(20), betaId(40), betaId(50)),
                     ConsoleBrowser.rows(browser.page("/console/migrations/beta?status=running", TestTrust.viewer()).body()));
        List<String> t1 = ConsoleBrowser.rows(browser.page("/console/migrations/beta?meta=team%3Dt1", TestTrust.viewer()).body());
        assertEquals(20, t1.size());
        assertTrue(t1.stream().allMatch(id -> Integer.parseInt(id.substring(6)) % 3 == 1), t1.toString());
        // both: team t1 and running: 10 and 40
        String both = browser.page("/console/migrations/beta?status=running&meta=team%3Dt1", TestTrust.viewer()).body();
        assertEquals(List.of(betaId(10), betaId(40)), ConsoleBrowser.rows(both));
        assertTrue(both.contains("value=\"team=t1\""), "the filter stays in its field");
        // paging keeps the filter
        String t0 = browser.page("/console/migrations/beta?meta=team%3Dt0", TestTrust.viewer()).body();
        assertEquals(20, ConsoleBrowser.rows(t0).size());
        assertEquals(0, ConsoleBrowser.count(t0, "page-next"));

        String none = browser.page("/console/migrations/beta?meta=team%3Dnobody", TestTrust.viewer()).body();
        assertEquals(0, ConsoleBrowser.rows(none).size());
        assertEquals(1, ConsoleBrowser.count(none, "empty-state"));

        String bad = browser.page("/console/migrations/beta?status=sleeping&meta=oops", TestTrust.viewer()).body();
        assertEquals(1, ConsoleBrowser.count(bad, "filter-problem"), bad);
    }

    @Test
    void aBrowserWithoutCredentialsIsSentToSignInAndAScriptGets401() throws Exception {
        HttpResponse<String> browserAnswer = browser.page("/console/migrations/beta?status=running", null);
        assertEquals(302, browserAnswer.statusCode());
        assertEquals("/console/sign-in?next=%2Fconsole%2Fmigrations%2Fbeta%3Fstatus%3Drunning",
                     browserAnswer.headers().firstValue("Location").orElse(""));
        HttpResponse<String> script = browser.script("/console/migrations", null);
        assertEquals(401, script.statusCode());
        assertTrue(script.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertTrue(script.body().contains("\"missing_credential\""), script.body());
        HttpResponse<String> forged = browser.page("/console/migrations", "not-a-jwt");
        assertEquals(302, forged.statusCode(), "a cookie that proves nothing is no sign-in");
    }

    @Test
    void anHtmxRequestWithoutCredentialsIsToldWhereToSignIn() throws Exception {
        HttpResponse<String> answer = ConsoleBrowser.send(browser.request("/console/migrations/beta").header("HX-Request", "true").GET().build());
        assertEquals(401, answer.statusCode());
        assertEquals("/console/sign-in?next=%2Fconsole%2Fmigrations%2Fbeta", answer.headers().firstValue("HX-Redirect").orElse(""));
    }

    @Test
    void theMigrationPageSaysWhatTheLastBulkActionDid() throws Exception {
        String html = browser.page("/console/migrations/beta?done=retry&selected=3&applied=2&skipped=1", TestTrust.operator()).body();
        assertTrue(html.contains(">Retry asked: 2 candidates retried, 1 skipped.</p>"), html);
        String forged = browser.page("/console/migrations/beta?done=%3Cb%3E&applied=%3Cscript%3E", TestTrust.operator()).body();
        assertEquals(0, ConsoleBrowser.count(forged, "notice"), "only known actions and numbers are shown");
    }

    @Test
    void aBearerHeaderWorksAsWellAsTheCookie() throws Exception {
        HttpResponse<String> page = browser.script("/console/migrations", TestTrust.viewer());
        assertEquals(200, page.statusCode());
        assertEquals(3, ConsoleBrowser.count(page.body(), "migration-row"));
        assertTrue(page.body().contains("vera · viewer"), "who is signed in");
    }

    @Test
    void aViewerSeesNoBulkControlsAndAnOperatorDoes() throws Exception {
        String viewer = browser.page("/console/migrations/beta", TestTrust.viewer()).body();
        assertEquals(0, ConsoleBrowser.count(viewer, "bulk-bar"));
        assertEquals(0, ConsoleBrowser.count(viewer, "row-select"));
        String operator = browser.page("/console/migrations/beta", TestTrust.operator()).body();
        assertEquals(1, ConsoleBrowser.count(operator, "bulk-bar"));
        assertEquals(50, ConsoleBrowser.count(operator, "row-select"));
        assertEquals(1, ConsoleBrowser.count(operator, "select-all-matching"));
        for (String action : List.of("bulk-start", "bulk-retry", "bulk-cancel")) {
            assertEquals(1, ConsoleBrowser.count(operator, action), action);
        }
    }

    @Test
    void aPersonWithoutADroverRoleGetsAPageSayingSo() throws Exception {
        HttpResponse<String> page = browser.page("/console/migrations", TestTrust.ISSUER.userToken("nora", java.util.Optional.empty()));
        assertEquals(403, page.statusCode());
        assertEquals(1, ConsoleBrowser.count(page.body(), "error-state"));
        assertTrue(page.body().contains("no Drover role"), page.body());
    }

    @Test
    void anUnknownMigrationIsANotFoundPage() throws Exception {
        HttpResponse<String> page = browser.page("/console/migrations/nope", TestTrust.viewer());
        assertEquals(404, page.statusCode());
        assertEquals(1, ConsoleBrowser.count(page.body(), "error-state"));
        assertTrue(page.body().contains("nope"), page.body());
        HttpResponse<String> noPage = browser.page("/console/nothing/here", TestTrust.viewer());
        assertEquals(404, noPage.statusCode());
        assertEquals(1, ConsoleBrowser.count(noPage.body(), "error-state"));
    }

    @Test
    void aCookieProvenPostFromAnotherSiteIsRefused() throws Exception {
        String form = "action=retry&ids=" + betaId(7);
        HttpRequest.Builder post = browser.request("/console/migrations/beta/bulk")
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .header("Cookie", "drover_session=" + TestTrust.operator()).POST(HttpRequest.BodyPublishers.ofString(form));
        HttpResponse<String> crossSite = ConsoleBrowser.send(post.copy().header("Sec-Fetch-Site", "cross-site").build());
        assertEquals(403, crossSite.statusCode());
        assertEquals(1, ConsoleBrowser.count(crossSite.body(), "error-state"));
        HttpResponse<String> otherOrigin = ConsoleBrowser.send(post.copy().header("Origin", "https://evil.example").build());
        assertEquals(403, otherOrigin.statusCode());
        HttpResponse<String> noOrigin = ConsoleBrowser.send(post.copy().build());
        assertEquals(403, noOrigin.statusCode());

        // From the console's own page: nothing ticked, so back to the page saying so (no API call needed).
        HttpResponse<String> sameOrigin = ConsoleBrowser.send(
                browser.request("/console/migrations/beta/bulk").header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", "drover_session=" + TestTrust.operator()).header("Sec-Fetch-Site", "same-origin")
                        .POST(HttpRequest.BodyPublishers.ofString("action=retry&status=failed")).build());
        assertEquals(303, sameOrigin.statusCode(), sameOrigin.body());
        assertEquals("/console/migrations/beta?status=failed&done=none", sameOrigin.headers().firstValue("Location").orElse(""));
    }

    @Test
    void assetsComeFromTheWebJarsWithLongCaching() throws Exception {
        String html = browser.page("/console/migrations", TestTrust.viewer()).body();
        java.util.regex.Matcher htmx = java.util.regex.Pattern.compile("src=\"(/console/assets/[0-9a-f]{12}/htmx.min.js)\"").matcher(html);
        assertTrue(htmx.find(), html);
        HttpResponse<String> js = browser.script(htmx.group(1), TestTrust.viewer());
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(js.headers().firstValue("Cache-Control").orElse("").contains("max-age=31536000"));
        assertTrue(js.body().contains("htmx"), "htmx itself");
        for (String name : List.of("sse.js", "console.js", "console.css", "uPlot.iife.min.js", "uPlot.min.css")) {
            assertEquals(200, browser.script(htmx.group(1).replace("htmx.min.js", name), TestTrust.viewer()).statusCode(), name);
        }
        assertEquals(404, browser.script("/console/assets/000000000000/htmx.min.js", TestTrust.viewer()).statusCode());
    }
}
