package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ./drover start MIGRATION CANDIDATE [--rerun]}: a new run (attempt) of a not-started, or completed, candidate. */
@Command(name = "start", mixinStandardHelpOptions = true,
         description = {"Start a run of a not-started candidate.", "--input sets declared inputs first; --rerun runs a "
                 + "completed candidate again. (POST .../candidates/{cid}/start)"})
final class StartCommand extends ApiCommand {
    @Mixin
    CandidateArguments target;

    @Mixin
    InputOptions inputs;

    @Mixin
    OutputOption output;

    @Option(names = "--rerun", description = "Run a completed candidate again, every step, as a new attempt (re-apply the migration).")
    boolean rerun;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!inputs.inputs.isEmpty()) {
            body.put("inputs", inputs.inputs);
        }
        if (rerun) {
            body.put("rerun", true);
        }
        JsonNode run = api().post(target.path("start"), body);
        if (output.output == Output.json) {
            printJson(run);
            return ExitCodes.OK;
        }
        List<String> steps = new ArrayList<>();
        run.path("steps").forEach(s -> steps.add(s.asText()));
        out().println("started " + target.migration + "/" + target.candidate + ": run " + Format.text(run, "runId")
                      + ", attempt " + Format.text(run, "attempt") + (steps.isEmpty() ? "" : ", steps " + String.join(" → ", steps)));
        out().flush();
        return ExitCodes.OK;
    }
}
