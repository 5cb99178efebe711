package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./drover complete MIGRATION CANDIDATE STEP --outcome succeeded|merged|failed [--message M]}: an operator
 * completes the run's current step by hand (a manual step waits for it; ADR 0013), as a migrator's callback would.
 */
@Command(name = "complete", mixinStandardHelpOptions = true,
         description = {"Complete the current step of a candidate's run by hand: a manual step waiting for you, or a step",
                        "settled outside its migrator (a change merged elsewhere).", "(POST .../steps/{step}/complete)"})
final class CompleteCommand extends ApiCommand {
    @Mixin
    CandidateArguments target;

    @Parameters(index = "2", paramLabel = "STEP", description = "The step: the run's current one.")
    String step;

    @Option(names = "--outcome", paramLabel = "OUTCOME", defaultValue = "succeeded",
            description = "succeeded, merged or failed (default ${DEFAULT-VALUE}).")
    String outcome;

    @Option(names = "--message", paramLabel = "TEXT", defaultValue = "", description = "Why, for the timeline and the audit log.")
    String message;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", outcome);
        body.put("message", message);
        JsonNode answer = api().post(ApiClient.path("migrations", target.migration, "candidates", target.candidate, "steps", step,
                                                    "complete"), body);
        if (output.output == Output.json) {
            printJson(answer);
            return ExitCodes.OK;
        }
        out().println("completed " + target.migration + "/" + target.candidate + ": step " + step + " " + outcome);
        out().flush();
        return ExitCodes.OK;
    }
}
