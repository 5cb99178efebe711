package dev.drover.console.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One Server-Sent Event (WHATWG HTML, "server-sent events"): its type ({@code message} when none is named) and its
 * data lines joined by newlines; a comment ({@code : keepalive}) is an event of type {@link #COMMENT}.
 */
public record SseEvent(String type, String data) {
    public static final String COMMENT = "";

    /** Reads events from a stream's lines as they arrive, handing each complete one to {@code sink}. */
    public static final class Reader {
        private final Consumer<SseEvent> sink;
        private String type = "message";
        private final List<String> data = new ArrayList<>();

        public Reader(Consumer<SseEvent> sink) {
            this.sink = sink;
        }

        public void line(String line) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    sink.accept(new SseEvent(type, String.join("\n", data)));
                }
                type = "message";
                data.clear();
                return;
            }
            if (line.startsWith(":")) {
                sink.accept(new SseEvent(COMMENT, line.substring(1).trim()));
                return;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "data" -> data.add(value);
                default -> {
                    // id and retry: the relay keeps its own; anything else the format says to ignore
                }
            }
        }
    }

    /** The event in the wire format; data lines split on every line break, so no content can end a field early. */
    public String wire() {
        StringBuilder out = new StringBuilder();
        if (type.equals(COMMENT)) {
            for (String line : data.split("\r\n|\r|\n", -1)) {
                out.append(": ").append(line).append('\n');
            }
            return out.append('\n').toString();
        }
        if (!type.equals("message")) {
            out.append("event: ").append(type.replaceAll("[\r\n]", "")).append('\n');
        }
        for (String line : data.split("\r\n|\r|\n", -1)) {
            out.append("data: ").append(line).append('\n');
        }
        return out.append('\n').toString();
    }
}
