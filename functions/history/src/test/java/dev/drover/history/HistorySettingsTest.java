package dev.drover.history;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the history lives, read from the environment: defaults, overrides, and values refused naming their variable. */
class HistorySettingsTest {

    @Test
    void unsetOrBlankTheDefaultsHold() {
        HistorySettings settings = HistorySettings.fromEnvironment(Map.of());
        assertEquals(new HistorySettings(HistorySettings.DEFAULT_URL, Optional.empty(), Optional.empty(), 8), settings);
        assertEquals(settings, HistorySettings.fromEnvironment(Map.of("HISTORY_DB_URL", " ", "HISTORY_DB_USER", "", "HISTORY_DB_PASSWORD", " ")),
                     "blank is unset");
        assertEquals("jdbc:h2:mem:stack", HistorySettings.fromEnvironment(Map.of(), "jdbc:h2:mem:stack").url(), "the caller's default");
    }

    @Test
    void theEnvironmentOverridesEachSetting() {
        HistorySettings settings = HistorySettings.fromEnvironment(Map.of("HISTORY_DB_URL", "jdbc:postgresql://db:5432/drover",
                                                                          "HISTORY_DB_USER", "drover", "HISTORY_DB_PASSWORD", "s3cret",
                                                                          "HISTORY_DB_POOL_SIZE", " 16 "));
        assertEquals(new HistorySettings("jdbc:postgresql://db:5432/drover", Optional.of("drover"), Optional.of("s3cret"), 16), settings);
        assertEquals(1, HistorySettings.fromEnvironment(Map.of("HISTORY_DB_POOL_SIZE", "1")).poolSize());
        assertEquals(200, HistorySettings.fromEnvironment(Map.of("HISTORY_DB_POOL_SIZE", "200")).poolSize());
    }

    @Test
    void aValueThatDoesNotFitNamesItsVariable() {
        for (Map<String, String> env : List.of(Map.of("HISTORY_DB_POOL_SIZE", "0"), Map.of("HISTORY_DB_POOL_SIZE", "201"),
                                               Map.of("HISTORY_DB_POOL_SIZE", "eight"), Map.of("HISTORY_DB_URL", "postgres://db/drover"))) {
            String variable = env.keySet().iterator().next();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HistorySettings.fromEnvironment(env));
            assertTrue(e.getMessage().startsWith(variable + "="), e.getMessage());
        }
    }
}
