package dev.drover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.HashSet;
import java.util.Set;

/**
 * {@code ./drover watch MIGRATION}: follows the migration's event stream (GET /migrations/{id}/events) and shows
 * its progress live until Ctrl-C, or with {@code --until-done} until no candidate and no rollout is running.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
         description = {"Follow a migration live: progress bar, counts by status, each change.",
                        "On a terminal one redrawn line, with each candidate and rollout change above it; plain lines",
                        "otherwise. Ctrl-C stops; --until-done stops when nothing runs (exit 5 if candidates failed).",
                        "(GET /migrations/{id}/events, Server-Sent Events)"})
final class WatchCommand extends ApiCommand {
    /** How long the stream may stay down (reconnecting) before watch gives up. */
    private static final long PATIENCE_MILLIS = 30_000;

    @Parameters(index = "0", paramLabel = "MIGRATION")
    String migration;

    @Option(names = "--until-done", description = "Stop once no candidate and no rollout is running.")
    boolean untilDone;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "table (default: the progress line) or json: one line per event, {\"event\": TYPE, \"data\": <the API's event data>}.")
    Output output;

    private JsonNode counts;

    private final Set<String> runningRollouts = new HashSet<>();
    private Progress progress;

    /** Thrown from inside the stream to stop following it. */
    private static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        progress = new Progress(migration, terminal(), style(), out());
        if (terminal().tty() && output == Output.table) {
            Runtime.getRuntime().addShutdownHook(new Thread(progress::end));
        }
        String path = ApiClient.path("migrations", migration, "events");
        seedRollouts();
        long downSince = 0;
        boolean connected = false;
        try {
            while (true) {
                try {
                    api().stream(path, this::handle);
                    downSince = System.currentTimeMillis();
                    connected = true;
                } catch (CliFailure e) {
                    // The first connection's failure is the answer; later ones are the stream's hiccups, retried a while.
                    if (!connected || e.exitCode() != ExitCodes.UNAVAILABLE || System.currentTimeMillis() - downSince > PATIENCE_MILLIS) {
                        throw e;
                    }
                }
                if (output == Output.table) {
                    progress.event("(the event stream ended; reconnecting)");
                }
                Thread.sleep(1000);
            }
        } catch (Done done) {
            progress.end();
            return counts != null && Progress.by(counts, "failed") > 0 ? ExitCodes.ENDED_BADLY : ExitCodes.OK;
        }
    }

    /** Rollouts running before the stream starts keep --until-done waiting; an API without rollouts has none. */
    private void seedRollouts() {
        if (!untilDone) {
            return;
        }
        try {
            for (JsonNode rollout : Rollouts.items(api().get(ApiClient.path("migrations", migration, "rollouts")))) {
                if (Rollouts.status(rollout).equals("running")) {
                    runningRollouts.add(Rollouts.id(rollout));
                }
            }
        } catch (CliFailure e) {
            if (e.exitCode() == ExitCodes.USAGE) {
                throw e;
            }
        }
    }

    private void handle(ServerSentEvent event) {
        JsonNode data;
        try {
            data = ApiClient.JSON.readTree(event.data());
        } catch (JsonProcessingException e) {
            return;
        }
        boolean table = output == Output.table;
        switch (event.type()) {
            case "counts" -> {
                counts = data;
                if (table) {
                    progress.counts(data);
                }
            }
            case "candidate" -> {
                if (table) {
                    progress.event(candidateLine(data));
                }
            }
            case "rollout" -> {
                if (Rollouts.status(data).equals("running") || Rollouts.status(data).equals("paused")) {
                    runningRollouts.add(Rollouts.id(data));
                } else {
                    runningRollouts.remove(Rollouts.id(data));
                }
                if (table) {
                    progress.event(Rollouts.line(data, style()));
                }
            }
            default -> {
                return;
            }
        }
        if (!table) {
            com.fasterxml.jackson.databind.node.ObjectNode line = ApiClient.JSON.createObjectNode();
            line.put("event", event.type());
            line.set("data", data);
            out().println(line.toString());
            out().flush();
        }
        if (untilDone && counts != null && Progress.by(counts, "running") == 0 && runningRollouts.isEmpty()) {
            throw new Done();
        }
    }

    private String candidateLine(JsonNode data) {
        Style style = style();
        StringBuilder line = new StringBuilder(Format.text(data, "candidateId")).append(' ').append(style.status(Format.text(data, "status")));
        JsonNode step = data.path("run").path("step");
        if (step.isObject()) {
            line.append(" (step ").append(Format.text(step, "name")).append(' ').append(style.status(Format.text(step, "status")));
            String message = Format.text(step, "message");
            if (!message.isEmpty()) {
                line.append(": ").append(message);
            }
            line.append(')');
            String change = step.path("metadata").path("changeUrl").asText("");
            if (!change.isEmpty()) {
                line.append(' ').append(change);
            }
        }
        return line.toString();
    }
}
