package dev.drover.local.stack;

import dev.drover.core.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console as a person uses it, in a real headless Chromium against the local stack {@code ./drover up} starts
 * (demo migrators included): find a candidate, preview it, start it and watch it finish without reloading, retry a
 * failed step, cancel a slow run, read the history's burndown, and sign in through the development issuer's page.
 * Every wait is an explicit one with generous patience: CI's machine is small and shared.
 */
class ConsoleBrowserTest {
    /** Patience for what the stack does in the background (a step, a cancel's cleanup) on a loaded machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static DemoStack demo;
    private static Browser browser;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> browser);

    @BeforeAll
    static void start() throws Exception {
        demo = DemoStack.start();
        demo.api().await("hello-world's 12 candidates", "/migrations/hello-world", PATIENCE,
                         m -> m.get("candidates").get("total").asLong() == 12);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try (Browser closing = browser; DemoStack stopping = demo) {
            if (closing != null) {
                // The README's picture (docs/console.png): the demo's migration after the journeys ran.
                signInAs("olga", Role.OPERATOR, "/console/migrations/hello-world");
                closing.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1500));
                closing.keep("console-migration");
            }
        }
    }

    @BeforeEach
    void signedOut() {
        // Each journey starts as nobody: a cookie left by another would decide who it runs as.
        browser.signedOut(console("/"));
    }

    @Test
    void findPreviewStartAndWatchACandidateCompleteWithoutReloading() throws Exception {
        // Each step takes 3 s, so the run is seen going, not only gone.
        Files.writeString(demo.demoDir().resolve("hello").resolve("project-07").resolve("SLOW"), "3\n");
        signInAs("olga", Role.OPERATOR, "/console/migrations");

        browser.waiting(PATIENCE).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#migration-hello-world [data-testid=migration-link]"))).click();
        waitFor("migration-name");
        assertEquals("Hello, world", testid("migration-name").getText());
        assertEquals(12, rows().size(), "all twelve demo projects are listed");

        new Select(testid("filter-status")).selectByValue("not_started");
        testid("filter-meta").sendKeys("owner=hello");
        testid("filter-id").sendKeys("project-0");
        testid("filter-submit").click();
        eventually(d -> d.getCurrentUrl().contains("q=project-0"));
        List<String> listed = rows().stream().map(r -> r.getAttribute("data-candidate")).toList();
        // Other journeys may have run some of project-01..09 already: the page lists what the API says is left.
        List<String> expected = new java.util.ArrayList<>();
        demo.api().get("/migrations/hello-world/candidates?status=not_started&meta.owner=hello&idPrefix=project-0&limit=50")
                .get("items").forEach(item -> expected.add(item.get("id").asText()));
        assertEquals(expected, listed);
        assertTrue(listed.size() < 12 && listed.contains("project-07") && listed.stream().allMatch(id -> id.startsWith("project-0")),
                   listed.toString());

        rows().stream().filter(r -> "project-07".equals(r.getAttribute("data-candidate"))).findFirst().orElseThrow()
                .findElement(By.cssSelector("[data-testid=candidate-link]")).click();
        waitFor("candidate-title");
        assertTrue(testid("candidate-title").getText().startsWith("project-07"));

        testid("dry-run-button").click();
        WebElement diff = browser.waiting(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=dry-run] [data-testid=diff-file]")));
        assertTrue(diff.getText().contains("HELLO.md"), diff.getText());
        assertTrue(diff.getText().contains("Hello, project-07!"), diff.getText());

        testid("action-start").click();
        browser.waiting(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=action-notice]")));
        assertEquals("Run started.", testid("action-notice").getText());
        markPage();
        // The steps change on the open page: greet, then sign, then the candidate is completed.
        eventually(d -> "succeeded".equals(stepStatus("greet")) || "merged".equals(stepStatus("greet")));
        eventually(d -> "completed".equals(testid("candidate-status").getAttribute("data-status")));
        assertPageNotReloaded();
        assertEquals("Hello, project-07!\n-- the Drover fleet\n",
                     Files.readString(demo.demoDir().resolve("hello").resolve("project-07").resolve("HELLO.md")));

    }

    @Test
    void theMigrationPageFollowsItsCandidatesWithoutReloading() throws Exception {
        signInAs("olga", Role.OPERATOR, "/console/migrations/hello-world");
        waitFor("progress");
        eventually(d -> "live".equals(testid("live-state").getText()));
        markPage();
        long completed = Long.parseLong(testid("progress").getAttribute("data-completed"));
        demo.api().start("hello-world", "project-08");
        // The row changes with the run (its step, then its status) and the progress bar counts it.
        eventually(d -> "completed".equals(row("project-08").getAttribute("data-status")));
        eventually(d -> Long.parseLong(testid("progress").getAttribute("data-completed")) > completed);
        assertEquals("sign", row("project-08").findElement(By.cssSelector("[data-testid=step-name]")).getText());
        assertPageNotReloaded();
    }

    @Test
    void aFailedStepIsRetriedFromTheCandidatePage() {
        signInAs("olga", Role.OPERATOR, "/console/migrations/hello-world/candidates/project-03");
        waitFor("action-start").click();
        waitFor("action-notice");
        markPage();
        // project-03 is LOCKED: its first step fails once.
        eventually(d -> "failed".equals(stepStatus("greet")));
        assertTrue(step("greet").getText().contains("LOCKED"), step("greet").getText());
        // The actions follow the run with the timeline: Retry appears without a reload.
        WebElement retry = waitFor("action-retry");
        assertEquals("Retry greet", retry.getText());
        assertPageNotReloaded();
        retry.click();
        browser.waiting(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=action-notice]")));
        assertEquals("The failed step is dispatched again.", testid("action-notice").getText());
        eventually(d -> "completed".equals(testid("candidate-status").getAttribute("data-status")));
        assertEquals("2", step("greet").findElement(By.cssSelector("[data-testid=step-dispatches]")).getText().replaceAll("\\D", ""),
                     "greet was dispatched twice");
    }

    @Test
    void aSlowRunIsCancelledFromTheCandidatePage() {
        signInAs("olga", Role.OPERATOR, "/console/migrations/hello-world/candidates/project-02");
        waitFor("action-start").click();
        // project-02 is SLOW (60 s a step): it is still on its first step when cancelled.
        eventually(d -> "dispatched".equals(stepStatus("greet")));
        waitFor("action-cancel").click();
        browser.waiting(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=action-notice]")));
        String notice = testid("action-notice").getText();
        assertTrue(notice.startsWith("Run cancelled") || notice.startsWith("Cancelling"), notice);
        eventually(d -> "not_started".equals(testid("candidate-status").getAttribute("data-status")));
        eventually(d -> "cancelled".equals(stepStatus("greet")));
    }

    @Test
    void theHistoryPageDrawsTheBurndownWithATableBeside() throws Exception {
        demo.api().start("hello-world", "project-05");
        demo.api().awaitStatus("hello-world", "project-05", "completed", PATIENCE);
        signInAs("ada", Role.VIEWER, "/console/migrations/hello-world/history");
        WebElement chart = waitFor("burndown-chart");
        // uPlot draws on a canvas inside the figure, from the numbers the server wrote into data-burndown.
        eventually(d -> !chart.findElements(By.cssSelector("canvas")).isEmpty());
        WebElement canvas = chart.findElement(By.cssSelector("canvas"));
        assertTrue(canvas.getSize().getWidth() > 100 && canvas.getSize().getHeight() > 100, "canvas " + canvas.getSize());
        Object points = ((JavascriptExecutor) browser.driver()).executeScript(
                "return JSON.parse(arguments[0].getAttribute('data-burndown')).t.length", chart);
        assertTrue(((Number) points).longValue() > 0, "the chart has data");
        // The accessible fallback: the same numbers as a table, and a sentence for the figure.
        assertFalse(browser.driver().findElements(By.cssSelector("[data-testid=burndown-table] [data-testid=burndown-row]")).isEmpty());
        assertTrue(chart.getAttribute("aria-label").contains("completed"), chart.getAttribute("aria-label"));
        assertFalse(testid("burndown-summary").getText().isBlank());
    }

    /** Waits for {@code condition}; an element swapped out under it (htmx, the live stream) is read again. */
    private static void eventually(java.util.function.Function<WebDriver, Boolean> condition) {
        browser.waiting(PATIENCE).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** Opens {@code path} signed in as a token of the stack's issuer would sign in (the cookie sign-in leaves). */
    private static void signInAs(String name, Role role, String path) {
        browser.signedIn(console(path), demo.stack().issuer().userToken(name, role));
    }

    private static URI console(String path) {
        return demo.stack().apiUri().resolve(path);
    }

    private static WebElement testid(String id) {
        return browser.driver().findElement(By.cssSelector("[data-testid=" + id + "]"));
    }

    private static WebElement waitFor(String id) {
        return browser.waiting(PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=" + id + "]")));
    }

    private static List<WebElement> rows() {
        return browser.driver().findElements(By.cssSelector("[data-testid=candidate-row]"));
    }

    @Test
    void signingInThroughTheIssuersPageAsOperatorShowsActionsAndAsViewerHidesThem() {
        browser.driver().get(console("/console/migrations/hello-world/candidates/project-11").toString());
        // Nobody is signed in: the console sends the browser to the issuer's development sign-in page.
        browser.waiting(PATIENCE).until(ExpectedConditions.presenceOfElementLocated(By.name("user")));
        assertTrue(browser.driver().getCurrentUrl().startsWith(demo.stack().issuer().authorizationEndpoint().toString()),
                   browser.driver().getCurrentUrl());
        signInOnIssuerPage("otto", Role.OPERATOR);
        waitFor("candidate-title");
        assertTrue(browser.driver().getCurrentUrl().endsWith("/console/migrations/hello-world/candidates/project-11"),
                   "back where the person was going: " + browser.driver().getCurrentUrl());
        assertEquals("otto · operator", testid("who").getText());
        assertTrue(testid("action-start").isDisplayed());
        assertTrue(testid("dry-run-button").isDisplayed());

        testid("sign-out").click();
        browser.waiting(PATIENCE).until(d -> browser.driver().manage().getCookieNamed("drover_session") == null);
        browser.driver().get(console("/console/migrations/hello-world/candidates/project-11").toString());
        browser.waiting(PATIENCE).until(ExpectedConditions.presenceOfElementLocated(By.name("user")));
        signInOnIssuerPage("vera", Role.VIEWER);
        waitFor("candidate-title");
        assertEquals("vera · viewer", testid("who").getText());
        assertTrue(testid("actions-viewer").isDisplayed());
        assertTrue(browser.driver().findElements(By.cssSelector("[data-testid=action-start]")).isEmpty());
        assertTrue(browser.driver().findElements(By.cssSelector("[data-testid=dry-run-button]")).isEmpty());
        testid("migration-link").click();
        waitFor("candidates-table");
        assertTrue(browser.driver().findElements(By.cssSelector("[data-testid=bulk-bar]")).isEmpty(), "no bulk bar for a viewer");
    }

    private static void signInOnIssuerPage(String name, Role role) {
        WebElement user = browser.driver().findElement(By.name("user"));
        user.clear();
        user.sendKeys(name);
        browser.driver().findElement(By.cssSelector("input[name=role][value=" + role.wire() + "]")).click();
        browser.driver().findElement(By.cssSelector("button[name=action][value=sign-in]")).click();
    }

    private static WebElement row(String candidateId) {
        return browser.driver().findElement(By.id("row-" + candidateId));
    }

    private static WebElement step(String name) {
        return browser.driver().findElement(By.cssSelector("[data-testid=timeline] [data-testid=step][data-step=" + name + "]"));
    }

    /** The step's status on the timeline now; null while the timeline is being swapped. */
    private static String stepStatus(String name) {
        List<WebElement> steps = browser.driver().findElements(
                By.cssSelector("[data-testid=timeline] [data-testid=step][data-step=" + name + "]"));
        try {
            return steps.isEmpty() ? null : steps.getFirst().getAttribute("data-status");
        } catch (StaleElementReferenceException swapped) {
            return null;
        }
    }

    /** Marks the page's window; a reload or a navigation would lose the mark. */
    private static void markPage() {
        ((JavascriptExecutor) browser.driver()).executeScript("window.droverTestMark = 'still here';");
    }

    private static void assertPageNotReloaded() {
        assertEquals("still here", ((JavascriptExecutor) browser.driver()).executeScript("return window.droverTestMark;"),
                     "the page changed without a reload");
    }
}
