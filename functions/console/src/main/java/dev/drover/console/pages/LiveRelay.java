package dev.drover.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.api.SseEvent;
import dev.drover.console.web.Html;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.console.web.Urls;
import dev.drover.core.auth.Role;
import dev.drover.core.json.Json;
import dev.drover.core.model.Check;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code /console/migrations/{id}/live}: the migration page's event stream. It opens the API's
 * {@code GET /migrations/{id}/events} with the person's token (so the API decides what they may watch) and relays it
 * as HTML htmx swaps in: a {@code candidate} event becomes that candidate's table row (an out-of-band swap by row id;
 * a row that is not on the page has nothing to replace and is ignored by htmx), a {@code counts} event the progress
 * bar. Keepalive comments pass through, which is also how the relay learns within 15 s that the browser has gone:
 * the write fails, and closing the upstream stream ends the API's side. One upstream stream per open page.
 */
public final class LiveRelay implements Page {
    private static final System.Logger LOGGER = System.getLogger(LiveRelay.class.getName());

    private final ConsoleApi api;

    public LiveRelay(ConsoleApi api) {
        this.api = api;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        boolean selectable = req.may(Role.OPERATOR);
        // Opened before the answer starts: a refusal or an absent migration is still an ordinary error answer.
        try (Stream<String> upstream = api.events("/migrations/" + Urls.encode(id) + "/events", req.token())) {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.header(HeaderNames.create("X-Accel-Buffering"), "no"); // a buffering proxy would hold events back
            try (OutputStream out = res.outputStream()) {
                write(out, "retry: 3000\n\n");
                SseEvent.Reader reader = new SseEvent.Reader(event -> relay(out, id, selectable, event));
                Iterator<String> lines = upstream.iterator();
                while (lines.hasNext()) {
                    reader.line(lines.next());
                }
            }
        } catch (UncheckedIOException e) {
            // The browser went away (or the API's stream broke): closing the upstream stream was all there was to do.
            LOGGER.log(Level.DEBUG, "live stream of " + id + " ended: " + e.getMessage());
        } catch (IOException e) {
            LOGGER.log(Level.DEBUG, "live stream of " + id + " ended: " + e.getMessage());
        }
    }

    private static void relay(OutputStream out, String migrationId, boolean selectable, SseEvent event) {
        Optional<String> html = switch (event.type()) {
            case SseEvent.COMMENT -> {
                write(out, new SseEvent(SseEvent.COMMENT, event.data()).wire());
                yield Optional.empty();
            }
            case "counts" -> counts(migrationId, event.data());
            case "candidate" -> candidate(migrationId, event.data(), selectable);
            default -> Optional.empty(); // rollout events: a page that shows rollouts relays them
        };
        html.ifPresent(h -> write(out, new SseEvent(event.type(), h).wire()));
    }

    static Optional<String> counts(String migrationId, String data) {
        JsonNode counts = parse(data);
        if (counts == null || !migrationId.equals(counts.path("migrationId").asText())) {
            return Optional.empty();
        }
        return Optional.of(ProgressBar.render(migrationId, counts, true).toString());
    }

    static Optional<String> candidate(String migrationId, String data, boolean selectable) {
        JsonNode event = parse(data);
        if (event == null || !migrationId.equals(event.path("migrationId").asText())) {
            return Optional.empty();
        }
        String candidateId = event.path("candidateId").asText("");
        if (candidateId.length() > Check.SLUG_MAX || !Check.SLUG.matcher(candidateId).matches()) {
            return Optional.empty();
        }
        // A <tr> parses only inside a table: htmx takes out-of-band content from a <template> as it is.
        Html h = new Html().open("template");
        h.add(CandidateRow.render(migrationId, candidateId, event.path("status").asText(""), event.get("run"), selectable, true));
        return Optional.of(h.close("template").toString());
    }

    private static JsonNode parse(String data) {
        try {
            return Json.mapper().readTree(data);
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "the API sent an event that is not JSON; skipped");
            return null;
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
