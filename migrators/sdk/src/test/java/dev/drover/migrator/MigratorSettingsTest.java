package dev.drover.migrator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a migrator reads from its environment (the entry point of every deployed migrator), and what it refuses. */
class MigratorSettingsTest {
    private static MigratorSettings from(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("DROVER_TOKEN_FILE", "/var/run/secrets/drover/token"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return MigratorSettings.fromEnvironment(env);
    }

    private static String refusal(String... pairs) {
        return assertThrows(IllegalArgumentException.class, () -> from(pairs)).getMessage();
    }

    @Test
    void anEmptyEnvironmentBesideTheLocalStackGetsTheDefaults() {
        MigratorSettings settings = from();
        assertEquals(8080, settings.port());
        assertEquals(URI.create("http://127.0.0.1:8080"), settings.platformUrl());
        assertEquals(settings.platformUrl(), settings.callbackUrl());
        assertEquals("", settings.publicUrl(), "no dry-run announced");
        assertEquals("pubsub", settings.pubsub());
        assertEquals(Optional.empty(), settings.redisUrl(), "step events remembered in memory");
        assertEquals(Optional.empty(), settings.metricsToken(), "metrics closed");
        assertEquals(Optional.empty(), settings.trigger(), "only the platform's signed triggers");
        assertEquals(MigratorSettings.ALL_INTERFACES, settings.bindHost(), "a container's port is reached through every interface");
        assertTrue(settings.tokens().isPresent());
    }

    @Test
    void knativesPortWinsOverDroversAndEveryVariableIsRead() {
        assertEquals(9090, from("DROVER_PORT", "9090").port());
        assertEquals(8081, from("PORT", " 8081 ", "DROVER_PORT", "9090").port());
        MigratorSettings settings = from("DROVER_API_URL", "https://drover.example.org/api", "MIGRATOR_URL", "https://m.example.org",
                                         "DROVER_PUBSUB", "kafka", "REDIS_URL", "redis://redis:6379", "DROVER_BIND", " 127.0.0.1 ");
        assertEquals(URI.create("https://drover.example.org/api"), settings.platformUrl());
        assertEquals(URI.create("https://drover.example.org/api"), settings.callbackUrl());
        assertEquals("https://m.example.org", settings.publicUrl());
        assertEquals("kafka", settings.pubsub());
        assertEquals(Optional.of(URI.create("redis://redis:6379")), settings.redisUrl());
        assertEquals("127.0.0.1", settings.bindHost());
        assertEquals(Optional.empty(), from("REDIS_URL", " ").redisUrl(), "a blank REDIS_URL is none");
        assertEquals(Optional.empty(), from("DROVER_METRICS_TOKEN", " ").metricsToken(), "a blank metrics token keeps metrics closed");
    }

    @Test
    void settingsThatCannotWorkAreRefusedNamingTheVariable() {
        assertEquals("PORT=eighty is not a port number", refusal("PORT", "eighty"));
        assertEquals("DROVER_BIND must name an interface, e.g. 127.0.0.1 or 0.0.0.0", refusal("DROVER_BIND", " "));
        assertTrue(refusal("MIGRATOR_URL", "ftp://m.example.org").contains("MIGRATOR_URL"));
        String both = "set both DROVER_TRIGGER_ISSUER and DROVER_TRIGGER_AUDIENCE (the OIDC issuer of discovery triggers and the "
                + "audience their tokens are for), or neither";
        assertEquals(both, refusal("DROVER_TRIGGER_ISSUER", "https://kubernetes.default.svc"));
        assertEquals(both, refusal("DROVER_TRIGGER_AUDIENCE", "drover-discover"));
        assertEquals("DROVER_TRIGGER_ISSUER=not a url is not a URL",
                     refusal("DROVER_TRIGGER_ISSUER", "not a url", "DROVER_TRIGGER_AUDIENCE", "drover-discover"));
        for (String issuer : new String[] {"ftp://kubernetes.default.svc", "kubernetes.default.svc", "https:///path"}) {
            assertEquals("DROVER_TRIGGER_ISSUER=" + issuer + " is not an http(s) issuer URL",
                         refusal("DROVER_TRIGGER_ISSUER", issuer, "DROVER_TRIGGER_AUDIENCE", "drover-discover"));
        }
        assertEquals(new MigratorSettings.Trigger(URI.create("http://issuer.local:8080"), "drover-discover"),
                     from("DROVER_TRIGGER_ISSUER", " http://issuer.local:8080 ", "DROVER_TRIGGER_AUDIENCE", " drover-discover ")
                             .trigger().orElseThrow());
    }

    @Test
    void theLocalSettingsListenOnLoopbackOnAnyFreePortWithoutIdentity() {
        MigratorSettings local = MigratorSettings.local(URI.create("http://127.0.0.1:8080"));
        assertEquals(0, local.port());
        assertEquals(MigratorSettings.LOOPBACK, local.bindHost());
        assertEquals(Optional.empty(), local.tokens());
        assertEquals(URI.create("http://127.0.0.1:8080"), local.callbackUrl());
        assertEquals(9000, local.withPort(9000).port());
    }

    @Test
    void theSettingsAsLoggedShowWhereButNoSecret() {
        MigratorSettings settings = from("REDIS_URL", "redis://user:redis-password@redis:6379", "DROVER_METRICS_TOKEN", "scrape-secret");
        String logged = settings.toString();
        assertTrue(logged.contains("redisUrl=Optional[redis:6379]") && logged.contains("metricsToken=Optional[(set)]")
                           && logged.contains("platformUrl=http://127.0.0.1:8080") && logged.contains("bindHost=0.0.0.0"), logged);
        assertTrue(!logged.contains("redis-password") && !logged.contains("scrape-secret"), logged);
    }
}
