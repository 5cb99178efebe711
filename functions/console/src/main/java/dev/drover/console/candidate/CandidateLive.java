package dev.drover.console.candidate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.api.SseEvent;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import dev.drover.core.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * {@code GET /console/migrations/{id}/candidates/{cid}/live}: the candidate page's event stream. It reads the API's
 * {@code GET /migrations/{id}/events} with the person's token and passes on only this candidate's changes, as an
 * event {@code changed} that carries nothing: the timeline then reads {@code .../timeline} (the API's steps, with
 * times and messages the event does not have). Keepalives pass through, which is how a closed page is noticed.
 */
public final class CandidateLive implements Page {
    private static final System.Logger LOGGER = System.getLogger(CandidateLive.class.getName());

    private final ConsoleApi api;

    public CandidateLive(ConsoleApi api) {
        this.api = api;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        String cid = req.param("cid");
        try (Stream<String> upstream = api.events("/migrations/" + Urls.encode(id) + "/events", req.token())) {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.header(HeaderNames.create("X-Accel-Buffering"), "no");
            try (OutputStream out = res.outputStream()) {
                write(out, "retry: 3000\n\n");
                SseEvent.Reader reader = new SseEvent.Reader(event -> {
                    if (event.type().equals(SseEvent.COMMENT)) {
                        write(out, event.wire());
                    } else if (event.type().equals("candidate") && concerns(event.data(), id, cid)) {
                        write(out, new SseEvent("changed", cid).wire());
                    }
                });
                Iterator<String> lines = upstream.iterator();
                while (lines.hasNext()) {
                    reader.line(lines.next());
                }
            }
        } catch (UncheckedIOException | IOException e) {
            LOGGER.log(Level.DEBUG, "live stream of " + id + "/" + cid + " ended: " + e.getMessage());
        }
    }

    static boolean concerns(String data, String migrationId, String candidateId) {
        try {
            JsonNode event = Json.mapper().readTree(data);
            return migrationId.equals(event.path("migrationId").asText()) && candidateId.equals(event.path("candidateId").asText());
        } catch (IOException e) {
            return false;
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
