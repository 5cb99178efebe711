package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./drover show MIGRATION CANDIDATE}: the candidate and the timeline of its current (or last) run's steps. */
@Command(name = "show", mixinStandardHelpOptions = true,
         description = {"Show a candidate and its run's steps as a timeline.",
                        "Each step: status, dispatches, when, how long, the migrator's word, its links.",
                        "(GET /migrations/{id}/candidates/{cid} and .../steps)"})
final class ShowCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "MIGRATION")
    String migration;

    @Parameters(index = "1", paramLabel = "CANDIDATE")
    String candidate;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "table (default) or json: {\"candidate\": <the candidate>, \"steps\": <its steps>}, each as the API answers.")
    Output output;

    @Override
    public Integer call() {
        String base = ApiClient.path("migrations", migration, "candidates", candidate);
        JsonNode stored = api().get(base);
        JsonNode steps = api().get(base + "/steps");
        if (output == Output.json) {
            ObjectNode both = ApiClient.JSON.createObjectNode();
            both.set("candidate", stored);
            both.set("steps", steps);
            printJson(both);
            return ExitCodes.OK;
        }
        Style style = style();
        out().println(style.paint(Style.BOLD, migration + " / " + Format.text(stored, "id")) + "  "
                      + style.status(Format.text(stored, "status")) + "  (kind " + Format.orDash(Format.text(stored, "kind")) + ")");
        if (!stored.path("metadata").isEmpty()) {
            out().println("metadata: " + Format.pairs(stored.path("metadata")));
        }
        String runId = Format.text(steps, "runId");
        if (runId.isEmpty()) {
            out().println("never started; a start runs these steps:");
        } else {
            out().println("run " + runId + "  attempt " + Format.text(steps, "attempt") + "  " + style.status(Format.text(steps, "runStatus")));
        }
        out().println();
        Table timeline = new Table("", "STEP", "STATUS", "DISPATCHES", "STARTED", "TOOK", "MESSAGE");
        int n = 0;
        for (JsonNode step : steps.path("steps")) {
            String started = Format.text(step, "startedAt");
            String finished = Format.text(step, "finishedAt");
            // A step still going shows how long so far, with "…" for "and counting".
            String took = finished.isEmpty() ? (started.isEmpty() ? "" : Format.took(started, java.time.Instant.now().toString()) + "…")
                                             : Format.took(started, finished);
            // A manual step (ADR 0013) is pending until an operator completes it: say whose move it is.
            String status = style.status(Format.text(step, "status"))
                    + ("operator".equals(Format.text(step.path("metadata"), "waitingFor")) ? " (waiting for you)" : "");
            timeline.row(String.valueOf(++n), Format.text(step, "name"), status,
                         Format.text(step, "dispatches"), Format.time(started), took, Format.text(step, "message"));
        }
        timeline.print(out(), terminal().width());
        // Links are printed whole, beneath: a cut URL is no use.
        for (JsonNode step : steps.path("steps")) {
            step.path("metadata").properties().forEach(e ->
                    out().println("  " + Format.text(step, "name") + " " + e.getKey() + ": " + e.getValue().asText()));
        }
        out().flush();
        return ExitCodes.OK;
    }
}
