package dev.drover.cli;

import java.util.function.Consumer;

/**
 * One Server-Sent Event (the WHATWG format: {@code event:} and {@code data:} lines, a blank line ends it, lines
 * starting with {@code :} are comments such as the API's keepalives).
 */
record ServerSentEvent(String type, String data) {

    /** Reads the stream line by line and hands on each complete event. */
    static final class Parser {
        private final Consumer<ServerSentEvent> events;
        private String type = "message";
        private StringBuilder data;

        Parser(Consumer<ServerSentEvent> events) {
            this.events = events;
        }

        void line(String line) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.accept(new ServerSentEvent(type, data.toString()));
                }
                type = "message";
                data = null;
                return;
            }
            if (line.startsWith(":")) {
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
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // id and retry: the CLI reconnects on its own terms
                }
            }
        }
    }
}
