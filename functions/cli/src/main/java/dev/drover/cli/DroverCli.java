package dev.drover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./drover}'s operator commands: a client of the Drover API for a terminal and for scripts. The script runs
 * this class (functions/cli's jar) for every command it does not handle itself (up, test, token, merge, deploy).
 */
@Command(name = "drover", mixinStandardHelpOptions = true, version = "drover-cli 0.1.0",
         description = {"Operate Drover migrations from a terminal: list, preview, start, cancel, retry, roll out, watch.",
                        "Each command talks to the API (--api, DROVER_API_URL) with a bearer token (DROVER_TOKEN or --token-file).",
                        "--output json prints the API's own JSON: the contract's shape (schemas/openapi.yaml), stable for scripts."},
         subcommands = {MigrationsCommand.class, CandidatesCommand.class, ShowCommand.class, DryRunCommand.class,
                        StartCommand.class, CancelCommand.class, RetryCommand.class, CompleteCommand.class, RolloutCommand.class,
                        RolloutsCommand.class, WatchCommand.class},
         synopsisSubcommandLabel = "COMMAND")
public final class DroverCli {
    private final CliContext context;

    DroverCli(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(CliContext.detect(), out, err, args));
    }

    /** Runs one command line; answers its exit code ({@link ExitCodes}). Tests call this in process. */
    static int run(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(context);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new DroverCli(context));
        for (RolloutAction.Verb verb : RolloutAction.Verb.values()) {
            CommandLine action = new CommandLine(new RolloutAction(verb));
            action.getCommandSpec().usageMessage().description(verb.description);
            cli.addSubcommand(verb.name, action);
        }
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (String entry : ExitCodes.LIST) {
            int colon = entry.indexOf(':');
            exitCodes.put(String.format("%3s", entry.substring(0, colon)), entry.substring(colon + 1));
        }
        everyCommand(cli, command -> command.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes)
                .width(Math.max(60, Math.min(context.terminal().width(), 120))));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CliFailure failure) {
                command.getErr().println("drover: " + failure.getMessage());
                command.getErr().flush();
                return failure.exitCode();
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            String name = command.getCommandSpec().qualifiedName(" ").replaceFirst("^drover", "./drover");
            command.getErr().println("drover: " + e.getMessage() + " (see " + name + " --help)");
            command.getErr().flush();
            return ExitCodes.USAGE;
        });
        return cli;
    }

    private static void everyCommand(CommandLine command, java.util.function.Consumer<CommandLine> action) {
        action.accept(command);
        command.getSubcommands().values().forEach(sub -> everyCommand(sub, action));
    }
}
