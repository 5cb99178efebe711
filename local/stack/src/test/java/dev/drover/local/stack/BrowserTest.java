package dev.drover.local.stack;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser tests leave no Chromium behind: closing the harness ends chromedriver and every browser process. */
class BrowserTest {
    @Test
    void closingEndsChromedriverAndChromium() {
        List<ProcessHandle> processes;
        try (Browser browser = Browser.start()) {
            browser.driver().get("about:blank");
            processes = Browser.processes();
            assertTrue(processes.stream().anyMatch(p -> p.info().command().orElse("").endsWith("chromedriver")), "chromedriver runs");
            assertTrue(processes.stream().anyMatch(p -> p.info().command().orElse("").contains("chromium/chrom")), "Chromium runs");
        }
        assertFalse(processes.stream().anyMatch(ProcessHandle::isAlive),
                    "still running: " + processes.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().command().orElse("")).toList());
    }
}
