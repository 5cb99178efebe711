package dev.drover.core.logging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a log collector parses (one JSON object per line) and what a person at a terminal reads (one short line). */
class LogFormattersTest {
    private static LogRecord record(Level level, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.drover.functions.CandidateStart");
        record.setInstant(Instant.parse("2026-12-02T06:00:00Z"));
        record.setParameters(new Object[] {"m-1"});
        record.setThrown(thrown);
        return record;
    }

    @Test
    void aJsonLineCarriesTimeLevelLoggerMessageFunctionAndTheError() throws Exception {
        JsonLogFormatter.function("candidate-start");
        String line = new JsonLogFormatter().format(record(Level.WARNING, "started {0}", new IllegalStateException("boom")));
        assertTrue(line.endsWith(System.lineSeparator()));
        assertEquals(1, line.strip().lines().count(), "one line per record");
        JsonNode json = Json.mapper().readTree(line);
        assertEquals("2026-12-02T06:00:00Z", json.get("time").asText());
        assertEquals("WARNING", json.get("level").asText());
        assertEquals("dev.drover.functions.CandidateStart", json.get("logger").asText());
        assertEquals("started m-1", json.get("message").asText());
        assertEquals("candidate-start", json.get("function").asText());
        assertTrue(json.get("error").asText().startsWith("java.lang.IllegalStateException: boom"));
        assertFalse(Json.mapper().readTree(new JsonLogFormatter().format(record(Level.INFO, "x", null))).has("error"));
        JsonLogFormatter.function("all");
    }

    @Test
    void aTextLineIsTimeLevelSimpleLoggerNameAndMessageThenTheTrace() {
        String line = new TextLogFormatter().format(record(Level.INFO, "started {0}", null));
        assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d INFO    CandidateStart: started m-1" + System.lineSeparator()), line);
        String failed = new TextLogFormatter().format(record(Level.SEVERE, "failed", new IllegalStateException("boom")));
        assertTrue(failed.contains("SEVERE  CandidateStart: failed" + System.lineSeparator() + "java.lang.IllegalStateException: boom"),
                   failed);
        LogRecord anonymous = record(Level.INFO, "x", null);
        anonymous.setLoggerName(null);
        assertTrue(new TextLogFormatter().format(anonymous).contains("INFO    : x"));
    }

    @Test
    void bothNameTheRequestALineBelongsTo() throws Exception {
        io.helidon.logging.common.HelidonMdc.set("requestId", "abcdef12-3456");
        try {
            assertEquals("abcdef12-3456",
                         Json.mapper().readTree(new JsonLogFormatter().format(record(Level.INFO, "x", null))).get("requestId").asText());
            assertTrue(new TextLogFormatter().format(record(Level.INFO, "x", null)).contains("CandidateStart: x  [abcdef12]"));
        } finally {
            io.helidon.logging.common.HelidonMdc.remove("requestId");
        }
    }
}
