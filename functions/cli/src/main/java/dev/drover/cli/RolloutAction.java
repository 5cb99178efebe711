package dev.drover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ./drover pause|resume|promote|abort MIGRATION ROLLOUT}: steers a rollout. One class, registered under each
 * verb's name, because the four differ only in the path they POST to.
 */
@Command(mixinStandardHelpOptions = true)
final class RolloutAction extends ApiCommand {
    enum Verb {
        PAUSE("pause", "Pause a rollout: it starts no more runs until resumed. (POST .../rollouts/{rid}/pause)"),
        RESUME("resume", "Resume a paused rollout. (POST .../rollouts/{rid}/resume)"),
        PROMOTE("promote", "Promote a rollout past the wave waiting for it. (POST .../rollouts/{rid}/promote)"),
        ABORT("abort", "Abort a rollout for good: it starts no more runs. (POST .../rollouts/{rid}/abort)");

        final String name;
        final String description;

        Verb(String name, String description) {
            this.name = name;
            this.description = description;
        }
    }

    private final Verb verb;

    @Parameters(index = "0", paramLabel = "MIGRATION")
    String migration;

    @Parameters(index = "1", paramLabel = "ROLLOUT", description = "The rollout's id (./drover rollouts MIGRATION lists them).")
    String rollout;

    @Mixin
    OutputOption output;

    RolloutAction(Verb verb) {
        this.verb = verb;
    }

    @Override
    public Integer call() {
        JsonNode answer = api().post(ApiClient.path("migrations", migration, "rollouts", rollout, verb.name), null);
        if (output.output == Output.json) {
            printJson(answer);
        } else {
            out().println(answer.has("rolloutId") ? Rollouts.line(answer, style()) : verb.name + " " + rollout + ": done");
            out().flush();
        }
        return ExitCodes.OK;
    }
}
