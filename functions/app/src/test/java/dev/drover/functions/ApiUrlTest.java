package dev.drover.functions;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the console calls the API: DROVER_API_URL, else the process itself when it serves the API too. */
class ApiUrlTest {
    @Test
    void theConfiguredApiIsCalledAsGiven() {
        assertEquals(URI.create("https://drover.example.com/api"),
                     Main.apiUrl(Map.of("DROVER_API_URL", " https://drover.example.com/api "), List.of("console"), () -> 1).get());
        assertEquals(URI.create("http://drover-api.drover.svc.cluster.local"),
                     Main.apiUrl(Map.of("DROVER_API_URL", "http://drover-api.drover.svc.cluster.local"), List.of(), () -> 1).get());
    }

    @Test
    void withoutItAProcessServingTheApiCallsItselfOnThePortItGot() {
        AtomicInteger port = new AtomicInteger();
        Supplier<URI> api = Main.apiUrl(Map.of("DROVER_API_URL", " "), List.of(), port::get);
        port.set(43117); // the server's port is known only once it listens, after the console is built
        assertEquals(URI.create("http://127.0.0.1:43117"), api.get());
        assertEquals(URI.create("http://127.0.0.1:43117"), Main.apiUrl(Map.of(), List.of("migrations-list"), port::get).get());
    }

    @Test
    void theConsoleAloneMustBeToldAndOnlyAnHttpUrlWithAHostIsTaken() {
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class, () -> Main.apiUrl(Map.of(), List.of("console"), () -> 1));
        assertTrue(alone.getMessage().startsWith("DROVER_API_URL is not set"), alone.getMessage());
        // nor can it guess beside a few other functions: the API is more than they
        assertThrows(IllegalArgumentException.class, () -> Main.apiUrl(Map.of(), List.of("platform-keys", "console"), () -> 1));
        for (String url : new String[] {"ftp://drover.example.com", "file:///etc/passwd", "http:///no-host", "drover-api:8080"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                            () -> Main.apiUrl(Map.of("DROVER_API_URL", url), List.of(), () -> 1), url);
            assertEquals("DROVER_API_URL=" + url + " is not an http(s) URL", refused.getMessage());
        }
        IllegalArgumentException notUrl = assertThrows(IllegalArgumentException.class,
                                                       () -> Main.apiUrl(Map.of("DROVER_API_URL", "http://a b"), List.of(), () -> 1));
        assertEquals("DROVER_API_URL=http://a b is not a URL", notUrl.getMessage());
    }
}
