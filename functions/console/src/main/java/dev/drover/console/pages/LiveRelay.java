package dev.drover.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.api.SseEvent;
import dev.drover.console.web.EventRelay;
import dev.drover.console.web.Html;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.core.auth.Role;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * {@code /console/migrations/{id}/live}: the migration page's event stream. It opens the API's
 * {@code GET /migrations/{id}/events} with the person's token (so the API decides what they may watch) and relays it
 * as HTML htmx swaps in ({@link EventRelay}): a {@code candidate} event becomes that candidate's table row (an
 * out-of-band swap by row id; a row that is not on the page has nothing to replace and is ignored by htmx), a
 * {@code counts} event the progress bar.
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
        EventRelay.relay(api, id, req.token(), res, (event, send) -> {
            Optional<String> html = switch (event.type()) {
                case "counts" -> counts(id, event.data());
                case "candidate" -> candidate(id, event.data(), selectable);
                default -> Optional.empty(); // rollout events: a page that shows rollouts relays them
            };
            html.ifPresent(h -> send.accept(new SseEvent(event.type(), h)));
        });
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
}
