package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code ./drover rollout MIGRATION ...}: starts a rollout over the candidates a selector picks, within a
 * concurrency cap, a rate, an optional canary wave and a failure budget; {@code --wait} follows it to its end.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
         description = {"Start a rollout over selected candidates (canary, concurrency, rate, failure budget).",
                        "Runs for the selected candidates, at most --concurrency at a time, optionally a canary wave that waits",
                        "for promote, paused by the failure budget. Without --status, the not_started candidates.",
                        "Then: ./drover rollouts, pause, resume, promote, abort. (POST /migrations/{id}/rollouts)"})
final class RolloutCommand extends ApiCommand {
    @Parameters(index = "0", paramLabel = "MIGRATION")
    String migration;

    @Option(names = "--status", paramLabel = "S", split = ",", description = "Select candidates in these statuses (default not_started).")
    List<String> statuses = new ArrayList<>();

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Select candidates whose metadata has this value (repeatable).")
    Map<String, String> meta = new LinkedHashMap<>();

    @Option(names = "--ids", paramLabel = "A,B", split = ",", description = "Select these candidate ids.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--id-prefix", paramLabel = "P", description = "Select ids starting with P.")
    String idPrefix;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "20", description = "At most N runs at a time (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--canary", paramLabel = "N", description = "A first wave of N candidates; the rest wait for ./drover promote (or --canary-after).")
    Integer canary;

    @Option(names = "--canary-after", paramLabel = "DURATION",
            description = "Go on after the canary by itself once this long has passed without failures (e.g. 10m, 1h, PT10M).")
    String canaryAfter;

    @Option(names = "--rate", paramLabel = "N", description = "Start at most N runs a minute.")
    Integer rate;

    @ArgGroup(exclusive = true)
    Budget budget;

    static final class Budget {
        @Option(names = "--max-failures", paramLabel = "N", description = "Pause after N failed runs.")
        Integer count;

        @Option(names = "--max-failure-percent", paramLabel = "X", description = "Pause when X%% of the started runs failed.")
        Double percent;
    }

    @Mixin
    InputOptions inputs;

    @Option(names = "--wait", description = "Follow the rollout until it completes (exit 0), or is aborted or paused (exit 5).")
    boolean await;

    @Option(names = "--poll", paramLabel = "SECONDS", defaultValue = "2", hidden = true)
    double poll;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() throws InterruptedException {
        if (concurrency < 1 || (canary != null && canary < 1) || (rate != null && rate < 1)) {
            throw new CliFailure(ExitCodes.USAGE, "--concurrency, --canary and --rate must be at least 1");
        }
        if (canaryAfter != null && canary == null) {
            throw new CliFailure(ExitCodes.USAGE, "--canary-after needs --canary N");
        }
        String rollouts = ApiClient.path("migrations", migration, "rollouts");
        JsonNode rollout = api().post(rollouts, body());
        if (output.output == Output.json && !await) {
            printJson(rollout);
            return ExitCodes.OK;
        }
        Style style = style();
        out().println("started " + Rollouts.line(rollout, style));
        out().flush();
        if (!await) {
            return ExitCodes.OK;
        }
        String path = rollouts + ApiClient.path(Rollouts.id(rollout));
        String last = "";
        boolean hinted = false;
        while (true) {
            String line = Rollouts.line(rollout, style);
            if (!line.equals(last)) {
                out().println(line);
                last = line;
            }
            if (!hinted && "promote".equals(Format.text(rollout.path("wave"), "waiting"))) {
                out().println("  the canary is done when its runs are: ./drover promote " + migration + " " + Rollouts.id(rollout));
                hinted = true;
            }
            out().flush();
            if (Rollouts.ended(rollout) || Rollouts.status(rollout).equals("paused")) {
                break;
            }
            Thread.sleep((long) (poll * 1000));
            rollout = api().get(path);
        }
        if (output.output == Output.json) {
            printJson(rollout);
        }
        if (Rollouts.status(rollout).equals("paused")) {
            err().println("drover: rollout " + Rollouts.id(rollout) + " paused"
                          + (Format.text(rollout, "pausedReason").isEmpty() ? "" : " (" + Format.text(rollout, "pausedReason") + ")")
                          + "; ./drover resume " + migration + " " + Rollouts.id(rollout) + " goes on");
            err().flush();
        }
        return Rollouts.status(rollout).equals("completed") ? ExitCodes.OK : ExitCodes.ENDED_BADLY;
    }

    Map<String, Object> body() {
        Map<String, Object> selector = new LinkedHashMap<>();
        selector.put("status", statuses.isEmpty() ? List.of("not_started") : statuses);
        if (!meta.isEmpty()) {
            selector.put("metadata", meta);
        }
        if (!ids.isEmpty()) {
            selector.put("ids", ids);
        }
        if (idPrefix != null) {
            selector.put("idPrefix", idPrefix);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("selector", selector);
        body.put("concurrency", concurrency);
        if (rate != null) {
            body.put("ratePerMinute", rate);
        }
        if (canary != null) {
            body.put("waves", List.of(Map.of("size", canary, "after", canaryAfter == null ? "promote" : isoDuration(canaryAfter))));
        }
        if (budget != null) {
            body.put("failureBudget", budget.count != null ? Map.of("count", budget.count)
                                                           : Map.of("percent", Objects.requireNonNull(budget.percent)));
        }
        if (!inputs.inputs.isEmpty()) {
            body.put("inputs", inputs.inputs);
        }
        return body;
    }

    /** "10m", "1h30m", "45s" or ISO-8601 "PT10M", as the ISO form the API takes. */
    static String isoDuration(String text) {
        String value = text.trim().toUpperCase(java.util.Locale.ROOT);
        try {
            return Duration.parse(value.startsWith("P") ? value : "PT" + value).toString();
        } catch (DateTimeParseException e) {
            throw new CliFailure(ExitCodes.USAGE, "--canary-after '" + text + "' is not a duration such as 10m, 1h or PT10M");
        }
    }
}
