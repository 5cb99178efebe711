package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./drover cancel MIGRATION CANDIDATE}: ends the run; the candidate goes back to not started. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
         description = {"Cancel a candidate's run; it goes back to not started.", "The attempt stays on record. (POST .../cancel)"})
final class CancelCommand extends ApiCommand {
    @Mixin
    CandidateArguments target;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode answer = api().post(target.path("cancel"), null);
        if (output.output == Output.json) {
            printJson(answer);
            return ExitCodes.OK;
        }
        boolean done = Format.text(answer, "status").equals("cancelled");
        out().println((done ? "cancelled " : "cancelling ") + target.migration + "/" + target.candidate + ": run "
                      + Format.text(answer, "runId") + (done ? "" : " (its cleanup is still going; ./drover show follows it)"));
        out().flush();
        return ExitCodes.OK;
    }
}
