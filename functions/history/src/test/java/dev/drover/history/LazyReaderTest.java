package dev.drover.history;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link History#connect}, the functions' reader (ADR 0008): it starts while the database is not there, its reads fail
 * instead of waiting for it, and it reads once the database is back, without a restart. It never migrates PostgreSQL
 * (that is the writer's).
 */
class LazyReaderTest {
    private static final String BASE = Optional.ofNullable(System.getenv("HISTORY_TEST_PG_URL"))
            .orElse("jdbc:postgresql://127.0.0.1:5432/test");

    @Test
    void aReaderStartsWithoutItsDatabaseAndReadsOnceItIsThere() {
        String name = "drover_lazy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = BASE.substring(0, BASE.lastIndexOf('/') + 1) + name;
        try (History reader = History.connect(new HistorySettings(url, Optional.of("postgres"), Optional.empty(), 2))) {
            assertFalse(reader.reachable(), "no database yet");
            assertThrows(RuntimeException.class, () -> reader.queries().totals(Optional.empty()), "a read fails, it does not wait");

            TestDatabase.execute(BASE, "CREATE DATABASE " + name);
            assertTrue(reader.reachable(), "the same reader connects once the database is there");
            assertThrows(RuntimeException.class, () -> reader.queries().totals(Optional.empty()),
                         "the reader did not make the schema: the writer migrates PostgreSQL");
        } finally {
            TestDatabase.execute(BASE, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
