package dev.drover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every operator command shares: the global options, the API client, output and colours. */
abstract class ApiCommand implements Callable<Integer> {
    @ParentCommand
    DroverCli root;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    private ApiClient api;

    ApiClient api() {
        if (api == null) {
            CliContext context = root.context();
            api = new ApiClient(Connection.resolve(global.api(), global.tokenFile(), context.env(), context.home()), context.home());
        }
        return api;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Terminal terminal() {
        Terminal terminal = root.context().terminal();
        return global.noColor ? terminal.withoutColor() : terminal;
    }

    Style style() {
        return new Style(terminal().color());
    }

    /** The API's JSON, indented, as it came (field order kept). */
    void printJson(JsonNode node) {
        try {
            out().println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out().flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
