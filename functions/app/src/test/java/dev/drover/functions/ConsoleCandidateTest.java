package dev.drover.functions;

import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.SignatureVerifier;
import dev.drover.core.state.RedisState;
import dev.drover.migrator.Draft;
import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;
import dev.drover.migrator.TokenSource;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The candidate page, its actions, its dry-run viewer and the history page, rendered by the console calling the
 * real API (the same server, over HTTP, with the person's token) on real Redis, with runs executing on Temporal's
 * test server and a real SDK migrator answering dry-runs.
 */
@ServerTest
class ConsoleCandidateTest {
    private static final RedisState STATE = TestState.create();
    private static final RunsTestPlatform RUNS = new RunsTestPlatform(STATE, URI.create("http://127.0.0.1:1/"));
    private static final AtomicReference<URI> SELF = new AtomicReference<>();
    private static final String HOSTILE = "<script>alert('x')</script>";
    private static Migrator greeter;

    private final ConsoleBrowser browser;
    private final Api api;

    ConsoleCandidateTest(URI uri, Http1Client client) {
        SELF.set(uri);
        this.browser = new ConsoleBrowser(uri);
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Platform runs = RUNS.platform;
        TestServer.configure(server, new Platform(runs.state(), runs.runs(), runs.brokerUrl(), runs.history(), runs.trust(), SELF::get));
    }

    /** Writes GREETING.md (a hostile line in it) and deletes OLD.md. */
    private static final StepHandler GREET = new StepHandler() {
        @Override
        public StepResult execute(StepContext step) {
            return StepResult.succeeded(Map.of(), "");
        }

        @Override
        public void simulate(StepContext step, Draft draft) {
            draft.write("GREETING.md", "Hello, " + step.metadata("name") + "!\n" + HOSTILE + "\n");
            draft.delete("OLD.md");
        }
    };

    @BeforeAll
    static void load() {
        greeter = Migrator.builder("greeter", greetings(""))
                .step("greet", GREET)
                .files(candidate -> path -> path.equals("OLD.md") ? Optional.of("old line\n") : Optional.empty())
                .patience(Duration.ofMillis(1))
                .tokens(TokenSource.of(TestTrust.migrator("greeter")))
                .signatures(SignatureVerifier.of(TestTrust.KEYS))
                .start(MigratorSettings.local(URI.create("http://127.0.0.1:1")));
        STATE.migrations().announce(greetings(greeter.uri().toString()), "greeter");
        STATE.candidates().merge("greetings", List.of(Fixtures.candidate("checkout", Map.of("name", "Ada"))));
        Migration upgrade = Fixtures.migration("ui-upgrade");
        STATE.migrations().announce(upgrade, "app-chart-migrator");
        STATE.candidates().merge("ui-upgrade", List.of(Fixtures.candidate("alpha", Map.of("team", HOSTILE)),
                                                       Fixtures.candidate("beta", Map.of()),
                                                       Fixtures.candidate("gamma", Map.of()),
                                                       Fixtures.candidate("delta", Map.of("team", "payments")),
                                                       Fixtures.candidate("epsilon", Map.of())));
    }

    private static Migration greetings(String url) {
        return new Migration("greetings", "Greetings", "", List.of(), List.of(new Step("greet", "", "greeter", "greet", Map.of())),
                             List.of(new Input("name", "Who to greet", "")), url);
    }

    @AfterAll
    static void close() {
        greeter.close();
        RUNS.close();
        TestState.drop(STATE);
    }

    /** A form POST from the console's own page (same origin), signed in with {@code token}. */
    private HttpResponse<String> post(String path, String token, String form, boolean htmx) throws Exception {
        HttpRequest.Builder request = browser.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").header("Cookie", "drover_session=" + token).header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (htmx) {
            request.header("HX-Request", "true");
        }
        return ConsoleBrowser.send(request.build());
    }

    private void callback(StepEvent event, String status, Map<String, String> metadata, String message) {
        Api.Reply reply = api.as(TestTrust.migrator("app-chart-migrator"))
                .postJson("/event/" + event.runId(), Map.of("stepName", event.step().name(), "dispatch", event.dispatch(),
                                                            "status", status, "metadata", metadata, "message", message,
                                                            "token", event.callback().token()));
        assertEquals(200, reply.status(), reply.body());
    }

    private void awaitStatus(String candidate, String status) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!api.get("/migrations/ui-upgrade/candidates/" + candidate).json().get("status").asText().equals(status)) {
            assertTrue(System.nanoTime() < until, candidate + " never became " + status);
            Thread.sleep(20);
        }
    }

    private String page(String path, String token) throws Exception {
        HttpResponse<String> page = browser.page(path, token);
        assertEquals(200, page.statusCode(), page.body());
        return page.body();
    }

    @Test
    void anOperatorStartsFromThePageWithTheInputAndTheTimelineFollowsTheRun() throws Exception {
        String before = page("/console/migrations/ui-upgrade/candidates/alpha", TestTrust.operator());
        assertEquals(1, ConsoleBrowser.count(before, "action-start"), before);
        assertTrue(before.contains("name=\"input.target-version\""), before);
        assertEquals(2, ConsoleBrowser.count(before, "step"), "the steps a start would run");

        HttpResponse<String> started = post("/console/migrations/ui-upgrade/candidates/alpha/start", TestTrust.operator(),
                                            "input.target-version=3.1.0", false);
        assertEquals(303, started.statusCode(), started.body());
        assertEquals("/console/migrations/ui-upgrade/candidates/alpha?done=started", started.headers().firstValue("Location").orElse(""));
        assertEquals("running", api.get("/migrations/ui-upgrade/candidates/alpha").json().get("status").asText());
        StepEvent first = RUNS.nextEvent();
        assertEquals("3.1.0", first.inputs().get("target-version"), "the form's input reached the run");
        callback(first, "pending", Map.of("changeUrl", "https://git.example/pr/7"), "pull request open " + HOSTILE);

        String html = page("/console/migrations/ui-upgrade/candidates/alpha?done=started", TestTrust.operator());
        assertTrue(html.contains("data-testid=\"action-notice\">Run started.</p>"), html);
        assertTrue(html.contains("data-step=\"bump-chart\" data-status=\"pending\""), html);
        assertTrue(html.contains("href=\"https://git.example/pr/7\""), html);
        assertTrue(html.contains("data-testid=\"run-id\">" + first.runId() + "</code>"), html);
        assertTrue(html.contains("pull request open &lt;script&gt;"), html);
        assertFalse(html.contains("<script>alert"), html);
        assertTrue(html.contains("data-testid=\"candidate-status\" data-status=\"running\""), html);
        assertEquals(0, ConsoleBrowser.count(html, "action-start"), "a running candidate is not started again");
        assertEquals(1, ConsoleBrowser.count(html, "action-cancel"));
        assertTrue(html.contains("sse-connect=\"/console/migrations/ui-upgrade/candidates/alpha/live\""), html);

        // What htmx re-reads when the run moves: the timeline, and the header's status out of band.
        callback(first, "succeeded", Map.of(), "");
        RUNS.nextEvent();
        String fragment = page("/console/migrations/ui-upgrade/candidates/alpha/timeline", TestTrust.viewer());
        assertTrue(fragment.startsWith("<section id=\"timeline\""), fragment);
        assertTrue(fragment.contains("data-step=\"bump-chart\" data-status=\"succeeded\""), fragment);
        assertTrue(fragment.contains("data-step=\"await-merge\" data-status=\"dispatched\""), fragment);
        assertTrue(fragment.contains("id=\"candidate-status\"") && fragment.contains("hx-swap-oob=\"true\""), fragment);

        // Started again while it runs: the API's 409, shown as the page's alert.
        HttpResponse<String> again = post("/console/migrations/ui-upgrade/candidates/alpha/start", TestTrust.operator(), "", false);
        assertEquals(409, again.statusCode(), again.body());
        assertTrue(again.body().contains("data-testid=\"action-error\" data-code=\"already_running\""), again.body());
        assertFalse(again.body().contains("Exception"), again.body());
    }

    @Test
    void aViewerSeesTheTimelineButNoActionAndTheApiRefusesTheirPost() throws Exception {
        String html = page("/console/migrations/ui-upgrade/candidates/delta", TestTrust.viewer());
        assertEquals(1, ConsoleBrowser.count(html, "timeline"));
        assertEquals(1, ConsoleBrowser.count(html, "actions-viewer"));
        for (String action : List.of("action-start", "action-cancel", "action-retry", "dry-run-button")) {
            assertEquals(0, ConsoleBrowser.count(html, action), action);
        }
        assertTrue(html.contains("<dt>team</dt><dd>payments</dd>"), html);

        HttpResponse<String> refused = post("/console/migrations/ui-upgrade/candidates/delta/start", TestTrust.viewer(), "", false);
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("data-testid=\"action-error\" data-code=\"forbidden\""), refused.body());
        assertEquals("not_started", api.get("/migrations/ui-upgrade/candidates/delta").json().get("status").asText());
    }

    @Test
    void aFailedStepIsRetriedAndTheRunCancelledFromThePage() throws Exception {
        assertEquals(202, api.as(TestTrust.operator()).postJson("/migrations/ui-upgrade/candidates/beta/start",
                                                                 Map.of("inputs", Map.of("target-version", "3.0.0"))).status());
        callback(RUNS.nextEvent(), "failed", Map.of(), "merge conflict in values.yaml");
        awaitStatus("beta", "failed");

        String html = page("/console/migrations/ui-upgrade/candidates/beta", TestTrust.operator());
        assertTrue(html.contains("data-testid=\"action-retry\">Retry bump-chart</button>"), html);
        assertTrue(html.contains("data-testid=\"step-message\">merge conflict in values.yaml</p>"), html);

        HttpResponse<String> retried = post("/console/migrations/ui-upgrade/candidates/beta/retry-step", TestTrust.operator(), "", false);
        assertEquals(303, retried.statusCode(), retried.body());
        assertEquals("/console/migrations/ui-upgrade/candidates/beta?done=retried", retried.headers().firstValue("Location").orElse(""));
        assertEquals(2, RUNS.nextEvent().dispatch());

        HttpResponse<String> cancelled = post("/console/migrations/ui-upgrade/candidates/beta/cancel", TestTrust.operator(), "", false);
        assertEquals(303, cancelled.statusCode(), cancelled.body());
        assertTrue(cancelled.headers().firstValue("Location").orElse("").matches(".*\\?done=(cancelled|cancelling)"));
        awaitStatus("beta", "not_started");
    }

    @Test
    void anOperatorCompletesTheCurrentStepByHandAndTheRunGoesOn() throws Exception {
        assertEquals(202, api.as(TestTrust.operator()).postJson("/migrations/ui-upgrade/candidates/epsilon/start",
                                                                 Map.of("inputs", Map.of("target-version", "3.0.0"))).status());
        StepEvent first = RUNS.nextEvent();
        callback(first, "pending", Map.of(), "waiting for a review");

        String html = page("/console/migrations/ui-upgrade/candidates/epsilon", TestTrust.operator());
        assertTrue(html.contains("data-testid=\"action-complete\">Complete bump-chart</button>"), html);
        assertEquals(0, ConsoleBrowser.count(page("/console/migrations/ui-upgrade/candidates/epsilon", TestTrust.viewer()),
                                             "action-complete"), "a viewer completes nothing");

        HttpResponse<String> completed = post("/console/migrations/ui-upgrade/candidates/epsilon/complete-step", TestTrust.operator(),
                                              "step=bump-chart&outcome=merged&message=merged+by+hand", false);
        assertEquals(303, completed.statusCode(), completed.body());
        assertEquals("/console/migrations/ui-upgrade/candidates/epsilon?done=step-completed",
                     completed.headers().firstValue("Location").orElse(""));
        assertEquals("await-merge", RUNS.nextEvent().step().name(), "the run went on to the next step");
        String after = page("/console/migrations/ui-upgrade/candidates/epsilon?done=step-completed", TestTrust.operator());
        assertTrue(after.contains("data-step=\"bump-chart\" data-status=\"merged\""), after);
        assertTrue(after.contains("merged by hand"), after);

        // The step is over: completing it again is the API's 409, shown on the page.
        HttpResponse<String> again = post("/console/migrations/ui-upgrade/candidates/epsilon/complete-step", TestTrust.operator(),
                                          "step=bump-chart&outcome=succeeded", false);
        assertEquals(409, again.statusCode(), again.body());
        assertTrue(again.body().contains("data-testid=\"action-error\""), again.body());
    }

    @Test
    void theDryRunViewerShowsEachFilesChangeEscapedInEitherLayout() throws Exception {
        HttpResponse<String> unified = post("/console/migrations/greetings/candidates/checkout/dry-run", TestTrust.operator(),
                                            "input.name=Grace", true);
        assertEquals(200, unified.statusCode(), unified.body());
        String html = unified.body();
        assertTrue(html.startsWith("<section id=\"dry-run\""), html);
        assertTrue(html.contains("data-path=\"GREETING.md\" data-status=\"new\""), html);
        assertTrue(html.contains("data-path=\"OLD.md\" data-status=\"deleted\""), html);
        assertTrue(html.contains("<td class=\"code\">Hello, Grace!</td>"), "the form's input went into the dry-run: " + html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
        assertFalse(html.contains("<script>"), html);

        HttpResponse<String> split = post("/console/migrations/greetings/candidates/checkout/dry-run?layout=split",
                                          TestTrust.operator(), "", true);
        assertTrue(split.body().contains("class=\"diff diff-split\""), split.body());
        assertTrue(split.body().contains("<td class=\"code add\">Hello, Ada!</td>"), "the candidate's own metadata: " + split.body());

        // A migration whose migrator answers no dry-run: the refusal is the fragment, sent as 200 so htmx swaps it in.
        HttpResponse<String> none = post("/console/migrations/ui-upgrade/candidates/delta/dry-run", TestTrust.operator(), "", true);
        assertEquals(200, none.statusCode(), none.body());
        assertTrue(none.body().contains("data-testid=\"dry-run-error\" data-code=\"dry_run_unavailable\""), none.body());
    }

    @Test
    void theHistoryPageShowsTheBurndownStepMetricsFailuresAndToAnAdminTheAuditLog() throws Exception {
        assertEquals(202, api.as(TestTrust.operator()).postJson("/migrations/ui-upgrade/candidates/gamma/start",
                                                                 Map.of("inputs", Map.of("target-version", "3.0.0"))).status());
        StepEvent bump = RUNS.nextEvent();
        callback(bump, "failed", Map.of(), "chart not found " + HOSTILE);
        awaitStatus("gamma", "failed");
        assertEquals(202, api.as(TestTrust.operator()).postJson("/migrations/ui-upgrade/candidates/gamma/retry-step", Map.of()).status());
        callback(RUNS.nextEvent(), "succeeded", Map.of(), "");
        callback(RUNS.nextEvent(), "merged", Map.of(), "");
        awaitStatus("gamma", "completed");
        TestPlatform.drain(RUNS.platform);

        assertEquals("/console/migrations/ui-upgrade/history",
                     ConsoleBrowser.href(page("/console/migrations/ui-upgrade", TestTrust.viewer()), "history-link"));
        String viewer = page("/console/migrations/ui-upgrade/history?bucket=hour", TestTrust.viewer());
        assertTrue(viewer.contains("data-testid=\"bucket-hour\" aria-current=\"true\""), viewer);
        assertTrue(viewer.contains("data-testid=\"burndown-chart\" data-burndown="), viewer);
        assertTrue(viewer.matches("(?s).*: [1-9]\\d* runs completed in this period.*"), viewer);
        assertTrue(ConsoleBrowser.count(viewer, "burndown-row") >= 48, "an hourly table over two days");
        assertTrue(viewer.contains("data-testid=\"step-metric\" data-step=\"bump-chart\""), viewer);
        assertTrue(viewer.contains("data-testid=\"failure\" data-candidate=\"gamma\""), viewer);
        assertTrue(viewer.contains("chart not found &lt;script&gt;"), viewer);
        assertFalse(viewer.contains("<script>alert"), viewer);
        assertEquals(1, ConsoleBrowser.count(viewer, "audit-admins-only"));
        assertTrue(viewer.contains("/history.js\" defer"), "the chart's script");

        String admin = page("/console/migrations/ui-upgrade/history?actor=otto&action=retry-step", TestTrust.admin());
        assertEquals(0, ConsoleBrowser.count(admin, "audit-admins-only"));
        int entries = ConsoleBrowser.count(admin, "audit-entry");
        assertTrue(entries >= 1, admin);
        assertEquals(entries, admin.split("data-testid=\"audit-entry\" data-action=\"retry-step\"", -1).length - 1,
                     "only otto's retries: " + admin);
        // Every action the log records can be filtered on (a bulk cancel's was once dropped, showing everything).
        String bulk = page("/console/migrations/ui-upgrade/history?action=bulk-cancel", TestTrust.admin());
        assertEquals(0, ConsoleBrowser.count(bulk, "audit-entry"), bulk);
        assertTrue(bulk.contains("No entries match the filter."), bulk);
        assertTrue(bulk.contains("<option value=\"bulk-cancel\" selected"), bulk);
    }
}
