package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./drover retry MIGRATION CANDIDATE}: dispatches the run's failed step again. */
@Command(name = "retry", mixinStandardHelpOptions = true,
         description = {"Dispatch a candidate's failed step again.", "(POST .../retry-step)"})
final class RetryCommand extends ApiCommand {
    @Mixin
    CandidateArguments target;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        JsonNode answer = api().post(target.path("retry-step"), null);
        if (output.output == Output.json) {
            printJson(answer);
            return ExitCodes.OK;
        }
        out().println("retrying " + target.migration + "/" + target.candidate + ": step " + Format.text(answer, "step")
                      + ", dispatch " + Format.text(answer, "dispatch") + " of run " + Format.text(answer, "runId"));
        out().flush();
        return ExitCodes.OK;
    }
}
