package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./drover candidates MIGRATION}: the candidates, filtered as the API filters them, with where each one's
 * run stands (its current step) and the link to its change request.
 */
@Command(name = "candidates", mixinStandardHelpOptions = true,
         description = {"List a migration's candidates (filtered), each with its current step and change link.",
                        "(GET /migrations/{id}/candidates, following nextCursor up to --limit, or to the end with --all)"})
final class CandidatesCommand extends ApiCommand {
    /** The most the API answers in one page. */
    static final int PAGE = 500;

    @Parameters(index = "0", paramLabel = "MIGRATION", description = "The migration's id.")
    String migration;

    @Option(names = "--status", paramLabel = "S", description = "Only this status: not_started, running, failed or completed.")
    String status;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Only candidates whose metadata has this value (repeatable: all must match).")
    Map<String, String> meta = new LinkedHashMap<>();

    @Option(names = "--id-prefix", paramLabel = "P", description = "Only ids starting with P.")
    String idPrefix;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N candidates (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--all", description = "Every candidate that matches, page after page.")
    boolean all;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "table (default) or json: the API's page shape {\"items\": [...], \"nextCursor\": ...}, the pages joined.")
    Output output;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new CliFailure(ExitCodes.USAGE, "--limit must be at least 1, got " + limit);
        }
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            int page = all ? PAGE : Math.min(PAGE, limit - items.size());
            JsonNode answer = api().get(ApiClient.path("migrations", migration, "candidates") + ApiClient.query(query(page, cursor)));
            answer.path("items").forEach(items::add);
            cursor = answer.path("nextCursor").isTextual() ? answer.path("nextCursor").asText() : null;
        } while (cursor != null && (all || items.size() < limit));

        if (output == Output.json) {
            ObjectNode page = ApiClient.JSON.createObjectNode();
            ArrayNode array = page.putArray("items");
            items.forEach(array::add);
            page.put("nextCursor", cursor);
            printJson(page);
            return ExitCodes.OK;
        }
        if (items.isEmpty()) {
            out().println("no candidates match");
            return ExitCodes.OK;
        }
        Instant now = Instant.now();
        Style style = style();
        Table table = new Table("CANDIDATE", "STATUS", "STEP", "UPDATED", "CHANGE", "METADATA");
        for (JsonNode candidate : items) {
            JsonNode step = candidate.path("run").path("step");
            String stepText = step.isObject() ? Format.text(step, "name") + " " + style.status(Format.text(step, "status")) : "-";
            String change = step.path("metadata").path("changeUrl").asText("");
            table.row(Format.text(candidate, "id"), style.status(Format.text(candidate, "status")), stepText,
                      Format.ago(Format.text(candidate, "updatedAt"), now), Format.orDash(change),
                      Format.pairs(candidate.path("metadata")));
        }
        table.print(out(), terminal().width());
        if (cursor != null) {
            out().println("(" + items.size() + " shown; more match: --all, or a larger --limit)");
        }
        out().flush();
        return ExitCodes.OK;
    }

    private Map<String, List<String>> query(int page, String cursor) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (status != null) {
            query.put("status", List.of(status));
        }
        meta.forEach((key, value) -> query.put("meta." + key, List.of(value)));
        if (idPrefix != null) {
            query.put("idPrefix", List.of(idPrefix));
        }
        query.put("limit", List.of(String.valueOf(page)));
        if (cursor != null) {
            query.put("cursor", List.of(cursor));
        }
        return query;
    }
}
