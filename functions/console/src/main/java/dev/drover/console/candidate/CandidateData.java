package dev.drover.console.candidate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.api.ConsoleApi;
import dev.drover.console.web.Urls;

/** What the candidate page reads from the API: the migration (for its name and inputs), the candidate, its run. */
record CandidateData(JsonNode migration, JsonNode candidate, JsonNode run) {
    static CandidateData read(ConsoleApi api, String migrationId, String candidateId, String token) {
        String candidate = "/migrations/" + Urls.encode(migrationId) + "/candidates/" + Urls.encode(candidateId);
        return new CandidateData(api.get("/migrations/" + Urls.encode(migrationId), token),
                                 api.get(candidate, token),
                                 api.get(candidate + "/steps", token));
    }

    static String steps(String migrationId, String candidateId) {
        return "/migrations/" + Urls.encode(migrationId) + "/candidates/" + Urls.encode(candidateId) + "/steps";
    }
}
