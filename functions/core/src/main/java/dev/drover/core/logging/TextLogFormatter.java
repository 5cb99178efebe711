package dev.drover.core.logging;

import io.helidon.logging.common.HelidonMdc;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One short line per record for a person at a terminal (the local stack's {@code ./drover up}): local time,
 * level, the logger's simple name, the message. Processes whose output a collector reads keep {@link JsonLogFormatter}.
 */
public final class TextLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        StringBuilder line = new StringBuilder()
                .append(TIME.format(record.getInstant())).append(' ')
                .append(String.format("%-7s", record.getLevel().getName())).append(' ')
                .append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ")
                .append(formatMessage(record));
        HelidonMdc.get("requestId").ifPresent(id -> line.append("  [").append(id, 0, Math.min(8, id.length())).append(']'));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace);
        }
        return line.append(System.lineSeparator()).toString();
    }
}
