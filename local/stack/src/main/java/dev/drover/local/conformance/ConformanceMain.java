package dev.drover.local.conformance;

import dev.drover.core.logging.TextLogFormatter;
import io.helidon.logging.common.LogConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code ./drover conformance}: the kit from a terminal or CI; its exit code says whether the migrator conforms. */
@Command(name = "drover conformance", mixinStandardHelpOptions = true, sortOptions = false, version = "drover conformance 0.1.0",
         description = {"Drives a migrator over Drover's contract as the platform would, on a platform of its own, and "
                                + "reports each check: 1 announcement, 2 discovery, 3 dry-run, 4 forged step events, 5 failed "
                                + "callback and retry-step, 6 a run (structured and binary events, a redelivery). It stops at "
                                + "the first violation.",
                        "With --migrator URL alone it prints the environment to start the migrator with, and waits for "
                                + "it; with -- COMMAND ARGS it starts the migrator itself with that environment.",
                        ""},
         exitCodeListHeading = "%nExit codes:%n",
         exitCodeList = {"0:every check passed (or does not apply)", "1:a check failed: the report says which and why",
                         "2:usage", "3:the kit's own platform did not start (Redis, a port taken)"})
public final class ConformanceMain implements Callable<Integer> {
    static final int PASSED = 0;
    static final int VIOLATION = 1;
    static final int USAGE = 2;
    static final int NO_PLATFORM = 3;

    @Option(names = "--app", required = true, paramLabel = "APP", description = "the migrator app id (its steps' migratorApp, its identity)")
    String app;

    @Option(names = "--migrator", paramLabel = "URL", description = "where the migrator listens (POST URL/steps, URL/discover); "
            + "with a COMMAND, default a free port on 127.0.0.1 (PORT and MIGRATOR_URL tell it)")
    URI migrator;

    @Option(names = "--candidate", paramLabel = "ID", description = "the candidate to run (default: the first discovered)")
    String candidate;

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "one more variable for the migrator (repeatable); a COMMAND "
            + "inherits the kit's environment except REDIS_URL")
    Map<String, String> environment = new LinkedHashMap<>();

    @Option(names = "--announce-timeout", paramLabel = "SECONDS", defaultValue = "120", description = "wait for the announcement (default ${DEFAULT-VALUE})")
    long announceTimeout;

    @Option(names = "--step-timeout", paramLabel = "SECONDS", defaultValue = "30", description = "wait for each callback, submission and step event (default ${DEFAULT-VALUE})")
    long stepTimeout;

    @Option(names = "--quiet-ms", paramLabel = "MS", defaultValue = "2000", description = "how long nothing must happen after forged events and a redelivery (default ${DEFAULT-VALUE})")
    long quietMs;

    @Option(names = "--api-port", paramLabel = "N", defaultValue = "0", description = "the kit's platform API (default: any free port)")
    int apiPort;

    @Option(names = "--dapr-http-port", paramLabel = "N", defaultValue = "0", description = "its Dapr stand-in's HTTP API")
    int daprHttpPort;

    @Option(names = "--dapr-grpc-port", paramLabel = "N", defaultValue = "0", description = "its Dapr stand-in's gRPC API")
    int daprGrpcPort;

    @Option(names = "--issuer-port", paramLabel = "N", defaultValue = "0", description = "its development OIDC issuer")
    int issuerPort;

    @Option(names = "--kit-port", paramLabel = "N", defaultValue = "0", description = "the kit's own listener (callbacks: DROVER_CALLBACK_URL)")
    int kitPort;

    @Option(names = "--log", paramLabel = "FILE", description = "the started migrator's output (default: a file in the temporary folder)")
    Path log;

    @Option(names = "--env-file", paramLabel = "FILE", defaultValue = ".drover/conformance.env",
            description = "without a COMMAND: where the migrator's environment is written too (default ${DEFAULT-VALUE})")
    Path envFile;

    @Option(names = "--redis", paramLabel = "URL", description = "the Redis of the kit's platform (default: REDIS_URL, else "
            + "redis://127.0.0.1:6379); it works under a key prefix of its own and deletes it at the end")
    String redis;

    @Option(names = "--verbose", description = "show the platform's own log lines")
    boolean verbose;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "after --: the command that starts the migrator")
    List<String> command = new ArrayList<>();

    private final PrintStream out;

    ConformanceMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /** One command line; answers its exit code. Tests call this in process. */
    static int run(PrintStream out, String... args) {
        ConformanceMain main = new ConformanceMain(out);
        CommandLine cli = new CommandLine(main);
        // ./drover passes --redis first; one the caller gives after it wins.
        cli.setOverwrittenOptionsAllowed(true);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            System.err.println("drover conformance: the kit's platform did not start: " + e.getMessage()
                                       + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            return NO_PLATFORM;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (command.isEmpty() && migrator == null) {
            System.err.println("drover conformance: say where the migrator listens (--migrator URL), or how to start it (-- COMMAND ARGS)");
            return USAGE;
        }
        quietLogs();
        MigratorLauncher launcher;
        if (command.isEmpty()) {
            launcher = MigratorLauncher.attached(System.err, envFile);
        } else {
            Path output = log != null ? log : Files.createTempFile("drover-conformance-" + app + "-", ".log");
            launcher = MigratorLauncher.command(command, output);
        }
        ConformanceOptions options = ConformanceOptions.of(app, launcher)
                .withPorts(new ConformanceOptions.Ports(apiPort, daprGrpcPort, daprHttpPort, issuerPort, kitPort))
                .withEnvironment(environment)
                .withPatience(Duration.ofSeconds(announceTimeout), Duration.ofSeconds(stepTimeout), Duration.ofMillis(quietMs));
        if (redis != null) {
            options = options.withRedisUrl(redis);
        }
        if (migrator != null) {
            options = options.withMigrator(migrator);
        }
        if (candidate != null) {
            options = options.withCandidate(candidate);
        }
        Report report = Conformance.run(options);
        out.println(report.render());
        out.flush();
        return report.passed() ? PASSED : VIOLATION;
    }

    /** The report is what a person reads: the platform's own lines only on --verbose (warnings and worse otherwise). */
    private void quietLogs() throws IOException {
        LogConfig.configureRuntime();
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            handler.setFormatter(new TextLogFormatter());
            if (!verbose) {
                // At the handler: some libraries set their own loggers' levels, which a root level would not override.
                handler.setLevel(Level.SEVERE);
            }
        }
    }
}
