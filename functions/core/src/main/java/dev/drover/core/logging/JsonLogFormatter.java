package dev.drover.core.logging;

import dev.drover.contract.json.Json;
import io.helidon.logging.common.HelidonMdc;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Writes each log record as one JSON object per line (time, level, logger, message, request id,
 * function, error), the shape log collectors on Knative parse without configuration.
 */
public final class JsonLogFormatter extends Formatter {
    /** Set once at start-up: the function this process serves, or "all". */
    private static volatile String function = "all";

    public static void function(String name) {
        function = name;
    }

    @Override
    public String format(LogRecord record) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", record.getInstant().toString());
        line.put("level", record.getLevel().getName());
        line.put("logger", record.getLoggerName());
        line.put("message", formatMessage(record));
        line.put("function", function);
        HelidonMdc.get("requestId").ifPresent(id -> line.put("requestId", id));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("error", trace.toString());
        }
        return Json.string(line) + System.lineSeparator();
    }
}
