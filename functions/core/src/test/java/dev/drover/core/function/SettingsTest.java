package dev.drover.core.function;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
    @Test
    void defaultsRunTheLocalStackWithNoEnvironment() {
        Settings settings = Settings.fromEnvironment(Map.of());
        assertEquals(8080, settings.port());
        assertEquals(URI.create("redis://127.0.0.1:6379"), settings.redisUrl());
        assertEquals("drover:", settings.redisPrefix());
        assertEquals(10L * 1024 * 1024, settings.maxBodyBytes());
        assertEquals("pubsub", settings.pubsub());
        assertEquals(Optional.empty(), settings.function());
        assertEquals(Optional.empty(), settings.metrics(), "unset: the server decides by what it serves");
        assertEquals(16L << 20, settings.readCacheBytes());
        assertFalse(settings.logReads(), "reads that succeeded are logged at DEBUG unless asked");
    }

    @Test
    void environmentOverridesEveryDefault() {
        Settings settings = Settings.fromEnvironment(Map.of("DROVER_PORT", "9090", "REDIS_URL", "rediss://u:p@redis:6380/2",
                                                            "DROVER_REDIS_PREFIX", "staging:", "DROVER_MAX_BODY_BYTES", "2048",
                                                            "DROVER_PUBSUB", "kafka", "FUNCTION", "migrations-list",
                                                            "DROVER_METRICS", "on", "DROVER_READ_CACHE_MIB", "64",
                                                            "DROVER_LOG_READS", "on"));
        assertEquals(9090, settings.port());
        assertEquals("rediss", settings.redisUrl().getScheme());
        assertEquals("staging:", settings.redisPrefix());
        assertEquals(2048, settings.maxBodyBytes());
        assertEquals("kafka", settings.pubsub());
        assertEquals(Optional.of("migrations-list"), settings.function());
        assertEquals(Optional.of(true), settings.metrics());
        assertEquals(64L << 20, settings.readCacheBytes());
        assertTrue(settings.logReads());
        assertEquals(0, Settings.fromEnvironment(Map.of("DROVER_READ_CACHE_MIB", "0")).readCacheBytes(), "0 keeps nothing");
        assertEquals(Optional.of(false), Settings.fromEnvironment(Map.of("DROVER_METRICS", "off")).metrics());
    }

    @Test
    void aValueThatDoesNotParseNamesItsVariable() {
        for (Map<String, String> env : java.util.List.of(Map.of("DROVER_PORT", "eighty"), Map.of("DROVER_PORT", "70000"),
                                                         Map.of("DROVER_MAX_BODY_BYTES", "-1"),
                                                         Map.of("REDIS_URL", "http://127.0.0.1:6379"),
                                                         Map.of("DROVER_METRICS", "yes"), Map.of("DROVER_READ_CACHE_MIB", "-1"),
                                                         Map.of("DROVER_READ_CACHE_MIB", "16MB"), Map.of("DROVER_LOG_READS", "true"))) {
            String variable = env.keySet().iterator().next();
            var e = assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(env));
            assertTrue(e.getMessage().startsWith(variable + "="), e.getMessage());
        }
    }

    @Test
    void theLimitsThemselvesAreAcceptedAndOneBeyondIsNot() {
        assertEquals(65535, Settings.fromEnvironment(Map.of("DROVER_PORT", "65535")).port());
        assertEquals(0, Settings.fromEnvironment(Map.of("DROVER_PORT", "0")).port());
        assertEquals(1024, Settings.fromEnvironment(Map.of("DROVER_MAX_BODY_BYTES", "1024")).maxBodyBytes());
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("DROVER_PORT", "65536")));
        assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(Map.of("DROVER_MAX_BODY_BYTES", "1023")));
        assertEquals(8080, Settings.fromEnvironment(Map.of("DROVER_PORT", " ")).port(), "blank is unset");
    }

    @Test
    void aBlankFunctionServesThemAll() {
        assertEquals(Optional.empty(), Settings.fromEnvironment(Map.of("FUNCTION", " ")).function());
        assertEquals(9000, Settings.fromEnvironment(Map.of()).withPort(9000).port());
        assertEquals(Settings.fromEnvironment(Map.of()).redisUrl(), Settings.fromEnvironment(Map.of()).withPort(9000).redisUrl());
        assertEquals(0, Settings.fromEnvironment(Map.of("DROVER_READ_CACHE_MIB", "0")).withPort(9000).readCacheBytes());
    }

    @Test
    void functionMayNameSeveralFunctionsSeparatedByCommas() {
        Settings two = Settings.fromEnvironment(Map.of("FUNCTION", "history-totals, history-steps"));
        assertEquals(java.util.List.of("history-totals", "history-steps"), two.functions());
        assertEquals(Optional.of("history-totals,history-steps"), two.function());
        assertEquals(java.util.List.of("migration-get"), Settings.fromEnvironment(Map.of("FUNCTION", "migration-get")).functions());
        assertEquals(java.util.List.of(), Settings.fromEnvironment(Map.of()).functions());
        for (String wrong : java.util.List.of("a,,b", "a,", ",a", "a,b,a")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                                                            () -> Settings.fromEnvironment(Map.of("FUNCTION", wrong)));
            assertTrue(refused.getMessage().startsWith("FUNCTION=" + wrong + " is not"), refused.getMessage());
        }
    }
}
