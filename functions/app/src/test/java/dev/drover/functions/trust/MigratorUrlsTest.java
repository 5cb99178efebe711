package dev.drover.functions.trust;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the platform may send requests to migrators: http(s) on an allowed host, nothing else. */
class MigratorUrlsTest {
    @Test
    void migratorUrlsAreHttpOnAllowedHostsWithoutQueryOrUserInfo() {
        MigratorUrls urls = new MigratorUrls("*.svc.cluster.local,127.0.0.1");
        assertTrue(urls.refusal("http://hello.drover.svc.cluster.local/").isEmpty());
        assertTrue(urls.refusal("http://127.0.0.1:8090").isEmpty());
        assertTrue(urls.refusal("http://svc.cluster.local").isPresent(), "the suffix alone is not a host below it");
        assertTrue(urls.refusal("http://evil.svc.cluster.local.attacker.example").isPresent());
        assertTrue(urls.refusal("http://127.0.0.1:8090/?x=").isPresent());
        assertTrue(urls.refusal("http://user:pw@127.0.0.1/").isPresent());
        assertTrue(urls.refusal("file:///etc/passwd").isPresent());
        assertTrue(urls.refusal("http://169.254.169.254/latest").isPresent());
    }

    @Test
    void byDefaultOnlyTheClustersServicesAreAllowed() {
        MigratorUrls urls = MigratorUrls.fromEnvironment(Map.of());
        assertTrue(urls.refusal("https://hello.drover.svc.cluster.local:8443/").isEmpty());
        assertTrue(urls.refusal("http://a.svc.cluster.local/").isEmpty(), "a one-letter name below the suffix");
        assertEquals("the host of 'http://127.0.0.1:8090' is not in DROVER_MIGRATOR_URLS (*.svc.cluster.local)",
                     urls.refusal("http://127.0.0.1:8090").orElseThrow());
        assertTrue(MigratorUrls.fromEnvironment(Map.of(MigratorUrls.ENV, MigratorUrls.LOOPBACK)).refusal("http://localhost:8090").isEmpty());
    }

    @Test
    void hostsAndPatternsCompareWithoutCase() {
        assertTrue(new MigratorUrls(" *.SVC.Cluster.Local ").refusal("http://Hello.Drover.svc.CLUSTER.local/").isEmpty());
        assertTrue(new MigratorUrls("Migrator.Internal").refusal("http://MIGRATOR.internal/").isEmpty());
    }

    @Test
    void eachRefusalSaysWhy() {
        MigratorUrls urls = new MigratorUrls("*.svc.cluster.local");
        assertEquals("'http://a.svc.cluster.local/#top' may not carry user info, a query or a fragment",
                     urls.refusal("http://a.svc.cluster.local/#top").orElseThrow());
        assertEquals("'gopher://a.svc.cluster.local/' is not an http(s) URL", urls.refusal("gopher://a.svc.cluster.local/").orElseThrow());
        assertEquals("'http://a b' is not a URL", urls.refusal("http://a b").orElseThrow());
    }

    @Test
    void anAllowlistThatAllowsNothingIsRefusedAtStart() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new MigratorUrls(" , "));
        assertTrue(refused.getMessage().startsWith("DROVER_MIGRATOR_URLS allows no host"), refused.getMessage());
    }
}
