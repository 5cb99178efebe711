package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;

/** {@code ./drover rollouts MIGRATION [ROLLOUT]}: a migration's rollouts, or one of them in full. */
@Command(name = "rollouts", mixinStandardHelpOptions = true,
         description = "List a migration's rollouts, or show one. (GET /migrations/{id}/rollouts[/{rid}])")
final class RolloutsCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "MIGRATION")
    String migration;

    @Parameters(index = "1", paramLabel = "ROLLOUT", arity = "0..1", description = "One rollout's id: show it in full.")
    String rollout;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        String path = ApiClient.path("migrations", migration, "rollouts");
        if (rollout != null) {
            JsonNode one = api().get(path + ApiClient.path(rollout));
            if (output.output == Output.json) {
                printJson(one);
            } else {
                show(one);
            }
            return ExitCodes.OK;
        }
        JsonNode answer = api().get(path);
        if (output.output == Output.json) {
            printJson(answer);
            return ExitCodes.OK;
        }
        JsonNode items = Rollouts.items(answer);
        if (items.isEmpty()) {
            out().println("no rollouts of " + migration + " yet: ./drover rollout " + migration + " --help says how to start one");
            out().flush();
            return ExitCodes.OK;
        }
        Instant now = Instant.now();
        Style style = style();
        Table table = new Table("ROLLOUT", "STATUS", "WAVE", "SELECTED", "STARTED", "RUNNING", "SUCCEEDED", "FAILED", "BY", "CREATED");
        for (JsonNode r : items) {
            JsonNode counts = r.path("counts");
            table.row(Rollouts.id(r), style.status(Rollouts.status(r)), Format.orDash(Rollouts.wave(r)),
                      String.valueOf(Format.count(counts, "selected")), String.valueOf(Format.count(counts, "started")),
                      String.valueOf(Format.count(counts, "running")), String.valueOf(Format.count(counts, "succeeded")),
                      String.valueOf(Format.count(counts, "failed")), Format.text(r, "createdBy"),
                      Format.ago(Format.text(r, "createdAt"), now));
        }
        table.print(out(), terminal().width());
        return ExitCodes.OK;
    }

    private void show(JsonNode r) {
        Style style = style();
        out().println(Rollouts.line(r, style));
        Table fields = new Table("", "");
        fields.row("selector", r.path("selector").toString());
        fields.row("concurrency", Format.orDash(Format.text(r, "concurrency")));
        fields.row("rate per minute", Format.orDash(Format.text(r, "ratePerMinute")));
        fields.row("waves", r.path("waves").isMissingNode() ? "-" : r.path("waves").toString());
        fields.row("failure budget", r.path("failureBudget").isMissingNode() || r.path("failureBudget").isNull() ? "-" : r.path("failureBudget").toString());
        fields.row("inputs", r.path("inputs").isObject() && !r.path("inputs").isEmpty() ? Format.pairs(r.path("inputs")) : "-");
        fields.row("created", Format.time(Format.text(r, "createdAt")) + " by " + Format.orDash(Format.text(r, "createdBy")));
        fields.row("updated", Format.time(Format.text(r, "updatedAt")));
        fields.print(out(), terminal().width());
    }
}
