package dev.drover.local.stack;

import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real headless Chromium (Debian's {@code chromium} through its {@code chromedriver}; {@code ./drover test} installs
 * both), for the console's browser tests. The paths are fixed so Selenium Manager never tries to download a browser.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

    private final ChromeDriver driver;
    /** Quits the browser if the JVM ends before {@link #close()} (a forked test JVM told to exit): no Chromium stays behind. */
    private final Thread quitAtExit;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
        this.quitAtExit = new Thread(driver::quit, "quit-chromium");
        Runtime.getRuntime().addShutdownHook(quitAtExit);
    }

    static Browser start() {
        Path binary = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!Files.isExecutable(binary) || !Files.isExecutable(chromedriver)) {
            throw new IllegalStateException("the console's browser tests need " + binary + " and " + chromedriver
                                                    + ": apt-get install chromium chromium-driver (./drover test does it)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                             "--window-size=1280,900", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    /** The chromedriver and Chromium processes running now: this JVM's descendants (one browser at a time per test JVM). */
    static List<ProcessHandle> processes() {
        return ProcessHandle.current().descendants().filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false)).toList();
    }

    WebDriver driver() {
        return driver;
    }

    WebDriverWait waiting(Duration patience) {
        return new WebDriverWait(driver, patience);
    }

    /** Opens {@code uri} with the API token as the console's session cookie, as sign-in would leave it. */
    void signedIn(URI uri, String token) {
        signedOut(uri);
        driver.manage().addCookie(new Cookie.Builder("drover_session", token).path("/console").isHttpOnly(true).build());
        driver.get(uri.toString());
    }

    /**
     * Forgets every cookie, of every path and origin: WebDriver's own delete reaches only the cookies the current page
     * sees, and the console's live under {@code /console}. Then opens a page of {@code uri}'s origin that answers without
     * redirecting (a console page would send nobody to sign in), so a cookie can be set next.
     */
    void signedOut(URI uri) {
        driver.executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
        driver.get(uri.resolve("/favicon.ico").toString());
    }

    /** Keeps a screenshot and the page's HTML under target/browser-screenshots, named for the test. */
    void keep(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(SCREENSHOTS.resolve(name + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not keep a screenshot of " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(quitAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: the hook quits the browser
            return;
        }
        List<ProcessHandle> running = processes();
        driver.quit();
        // chromedriver ends Chromium as it quits; whatever still runs 10 s later is ended here.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle process : running) {
            try {
                process.onExit().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                System.err.println("Chromium process " + process.pid() + " outlived its driver; ending it");
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
