package dev.drover.console.web;

import dev.drover.console.api.ConsoleApi;
import dev.drover.console.api.SseEvent;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Relays a migration's event stream from the API to a page: opens {@code GET /migrations/{id}/events} with the
 * person's token (so the API decides what they may watch), answers as an event stream and hands each upstream event
 * to the page, which sends what it swaps in. Keepalive comments pass through, which is also how the relay learns within
 * 15 s that the browser has gone: the write fails, and closing the upstream stream ends the API's side. One upstream
 * stream per open page.
 */
public final class EventRelay {
    private static final System.Logger LOGGER = System.getLogger(EventRelay.class.getName());

    /** What a page makes of one upstream event (never a comment): zero or more events of its own, given to {@code send}. */
    public interface Translation {
        void translate(SseEvent event, Consumer<SseEvent> send);
    }

    private EventRelay() {
    }

    public static void relay(ConsoleApi api, String migrationId, String token, ServerResponse res, Translation translation) {
        // Opened before the answer starts: a refusal or an absent migration is still an ordinary error answer.
        try (Stream<String> upstream = api.events("/migrations/" + Urls.encode(migrationId) + "/events", token)) {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.header(HeaderNames.create("X-Accel-Buffering"), "no"); // a buffering proxy would hold events back
            try (OutputStream out = res.outputStream()) {
                write(out, "retry: 3000\n\n");
                Consumer<SseEvent> send = event -> write(out, event.wire());
                SseEvent.Reader reader = new SseEvent.Reader(event -> {
                    if (event.type().equals(SseEvent.COMMENT)) {
                        send.accept(new SseEvent(SseEvent.COMMENT, event.data()));
                    } else {
                        translation.translate(event, send);
                    }
                });
                Iterator<String> lines = upstream.iterator();
                while (lines.hasNext()) {
                    reader.line(lines.next());
                }
            }
        } catch (UncheckedIOException | IOException e) {
            // The browser went away (or the API's stream broke): closing the upstream stream was all there was to do.
            LOGGER.log(Level.DEBUG, "live stream of " + migrationId + " ended: " + e.getMessage());
        }
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
