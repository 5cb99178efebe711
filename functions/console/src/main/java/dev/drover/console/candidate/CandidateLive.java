package dev.drover.console.candidate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.api.SseEvent;
import dev.drover.console.web.EventRelay;
import dev.drover.console.web.Page;
import dev.drover.console.web.PageRequest;
import dev.drover.contract.json.Json;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;

/**
 * {@code GET /console/migrations/{id}/candidates/{cid}/live}: the candidate page's event stream. It reads the API's
 * {@code GET /migrations/{id}/events} with the person's token and passes on only this candidate's changes, as an
 * event {@code changed} that carries nothing: the timeline then reads {@code .../timeline} (the API's steps, with
 * times and messages the event does not have), through {@link EventRelay}.
 */
public final class CandidateLive implements Page {
    private final ConsoleApi api;

    public CandidateLive(ConsoleApi api) {
        this.api = api;
    }

    @Override
    public void serve(PageRequest req, ServerResponse res) {
        String id = req.param("id");
        String cid = req.param("cid");
        EventRelay.relay(api, id, req.token(), res, (event, send) -> {
            if (event.type().equals("candidate") && concerns(event.data(), id, cid)) {
                send.accept(new SseEvent("changed", cid));
            }
        });
    }

    static boolean concerns(String data, String migrationId, String candidateId) {
        try {
            JsonNode event = Json.mapper().readTree(data);
            return migrationId.equals(event.path("migrationId").asText()) && candidateId.equals(event.path("candidateId").asText());
        } catch (IOException e) {
            return false;
        }
    }
}
