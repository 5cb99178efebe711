package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./drover migrations}: every migration, its owner and where its candidates stand. */
@Command(name = "migrations", mixinStandardHelpOptions = true,
         description = "List the migrations: id, name, owner app, candidates by status. (GET /migrations)")
final class MigrationsCommand extends ApiCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "table (default) or json: the API's answer {\"items\": [...]}.")
    Output output;

    @Override
    public Integer call() {
        JsonNode answer = api().get("/migrations");
        if (output == Output.json) {
            printJson(answer);
            return ExitCodes.OK;
        }
        if (answer.path("items").isEmpty()) {
            out().println("no migrations yet: a migrator announces its migration when it starts");
            return ExitCodes.OK;
        }
        Table table = new Table("MIGRATION", "CANDIDATES", "NOT STARTED", "RUNNING", "FAILED", "COMPLETED", "OWNER", "NAME");
        for (JsonNode migration : answer.path("items")) {
            JsonNode counts = migration.path("candidates");
            JsonNode by = counts.path("byStatus");
            table.row(Format.text(migration, "id"), String.valueOf(Format.count(counts, "total")),
                      String.valueOf(Format.count(by, "not_started")), String.valueOf(Format.count(by, "running")),
                      String.valueOf(Format.count(by, "failed")), String.valueOf(Format.count(by, "completed")),
                      Format.orDash(Format.text(migration, "owner")), Format.text(migration, "name"));
        }
        table.print(out(), terminal().width());
        return ExitCodes.OK;
    }
}
