package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./drover dry-run MIGRATION CANDIDATE}: what each step would change, as unified diffs (coloured on a
 * terminal), and its changes that are no file as lines {@code ~ ACTION TARGET: DETAIL}. Nothing is written: the
 * migrator simulates.
 */
@Command(name = "dry-run", mixinStandardHelpOptions = true,
         description = {"Preview what every step would change for a candidate (unified diffs, and '~ ACTION TARGET: DETAIL'",
                        "for changes that are no file, such as a database role); nothing is written.",
                        "Coloured on a terminal, plain otherwise (or with --no-color). (POST /migrations/{id}/dry-run)"})
final class DryRunCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "MIGRATION")
    String migration;

    @Parameters(index = "1", paramLabel = "CANDIDATE")
    String candidate;

    @Mixin
    InputOptions inputs;

    @Option(names = {"-o", "--output"}, paramLabel = "diff|json", defaultValue = "table",
            description = "diff (default; 'table' means the same) or json: the API's answer.", converter = DiffOrJson.class)
    Output output;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("candidateId", candidate);
        if (!inputs.inputs.isEmpty()) {
            body.put("inputs", inputs.inputs);
        }
        JsonNode answer = api().post(ApiClient.path("migrations", migration, "dry-run"), body);
        if (output == Output.json) {
            printJson(answer);
            return ExitCodes.OK;
        }
        Style style = style();
        for (JsonNode step : answer.path("steps")) {
            JsonNode changes = step.path("changes");
            JsonNode actions = step.path("actions"); // changes that are no file; absent when there are none
            String message = Format.text(step, "message");
            out().println(style.paint(Style.BOLD, "step " + Format.text(step, "step"))
                          + (message.isEmpty() ? "" : ": " + message)
                          + (changes.isEmpty() && actions.isEmpty() ? " (changes no file)" : ""));
            for (JsonNode action : actions) {
                String detail = Format.text(action, "detail");
                out().println("~ " + style.paint(Style.YELLOW, Format.text(action, "action")) + " " + Format.text(action, "target")
                              + (detail.isEmpty() ? "" : ": " + detail));
            }
            for (JsonNode change : changes) {
                String diff = Format.text(change, "diff");
                if (diff.isEmpty()) {
                    out().println(Format.text(change, "status") + " " + Format.text(change, "path"));
                    continue;
                }
                diff.lines().forEach(line -> out().println(style.diffLine(line)));
            }
            out().println();
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** {@code diff} is the name a person expects here; {@code table} is accepted too, as everywhere else. */
    static final class DiffOrJson implements picocli.CommandLine.ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            return switch (value) {
                case "diff", "table" -> Output.table;
                case "json" -> Output.json;
                default -> throw new picocli.CommandLine.TypeConversionException("expected diff or json, got '" + value + "'");
            };
        }
    }
}
