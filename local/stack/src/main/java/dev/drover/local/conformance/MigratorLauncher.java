package dev.drover.local.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * How the migrator under test comes up, given the environment the kit made for it (the platform's URLs, the Dapr
 * stand-in, its identity at the development issuer): a person starts it ({@link #attached}), the kit starts a command
 * ({@link #command}), or a JUnit test starts it in its own JVM ({@link #inProcess}).
 */
@FunctionalInterface
public interface MigratorLauncher {
    Running launch(Map<String, String> environment) throws Exception;

    /** The migrator while the kit runs; closed when the kit is done. */
    interface Running extends AutoCloseable {
        /** Present once the migrator stopped on its own: how (an exit code, say). */
        default Optional<String> ended() {
            return Optional.empty();
        }

        /** Where its output goes, when the kit knows. */
        default Optional<Path> log() {
            return Optional.empty();
        }

        @Override
        default void close() {
        }
    }

    /** A JVM-local migrator: {@code start} gets the environment and returns what stops it. */
    static MigratorLauncher inProcess(java.util.function.Function<Map<String, String>, AutoCloseable> start) {
        return environment -> {
            AutoCloseable migrator = start.apply(environment);
            return new Running() {
                @Override
                public void close() {
                    try {
                        migrator.close();
                    } catch (Exception e) {
                        System.getLogger(MigratorLauncher.class.getName()).log(System.Logger.Level.WARNING, "stopping the migrator: " + e);
                    }
                }
            };
        };
    }

    /**
     * Someone else starts the migrator: the environment is printed to {@code out} and written to {@code envFile}
     * (owner-only, {@code set -a; source FILE; set +a}), and the kit waits for the announcement.
     */
    static MigratorLauncher attached(PrintStream out, Path envFile) {
        return environment -> {
            List<String> lines = new ArrayList<>();
            new TreeMap<>(environment).forEach((name, value) -> lines.add(name + "=" + value));
            try {
                if (envFile.getParent() != null) {
                    Files.createDirectories(envFile.getParent());
                }
                Files.deleteIfExists(envFile);
                Files.createFile(envFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(envFile, lines);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + envFile.toAbsolutePath(), e);
            }
            out.println("Start the migrator with this environment (also in " + envFile.toAbsolutePath()
                                + ": set -a; source " + envFile + "; set +a):");
            lines.forEach(line -> out.println("  " + line));
            out.flush();
            return new Running() {
                @Override
                public void close() {
                    try {
                        Files.deleteIfExists(envFile);
                    } catch (IOException ignored) {
                        // its secrets are void once the kit's stack is gone
                    }
                }
            };
        };
    }

    /**
     * The kit starts {@code command} with the environment added to its own, output to {@code log}; stops it at the end.
     * The kit's own {@code REDIS_URL} (its platform's) is not passed on: a migrator that wants one gets it in
     * {@code environment} (the SDK would otherwise keep its seen events there, outside the kit's key prefix).
     */
    static MigratorLauncher command(List<String> command, Path log) {
        List<String> copy = List.copyOf(command);
        return environment -> {
            ProcessBuilder builder = new ProcessBuilder(copy).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().remove("REDIS_URL");
            builder.environment().putAll(environment);
            Process process = builder.start();
            // A kit stopped by a signal (Ctrl-C, a CI timeout) takes its migrator with it.
            Thread stopOnExit = new Thread(() -> {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            });
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            return new Running() {
                @Override
                public Optional<String> ended() {
                    return process.isAlive() ? Optional.empty()
                                             : Optional.of("'" + String.join(" ", copy) + "' exited with " + process.exitValue()
                                                                   + "; its last lines:" + System.lineSeparator() + tail(log));
                }

                @Override
                public Optional<Path> log() {
                    return Optional.of(log);
                }

                @Override
                public void close() {
                    try {
                        Runtime.getRuntime().removeShutdownHook(stopOnExit);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running or will: it stops the process too
                    }
                    process.descendants().forEach(ProcessHandle::destroy);
                    process.destroy();
                    try {
                        if (!process.waitFor(10, TimeUnit.SECONDS)) {
                            process.descendants().forEach(ProcessHandle::destroyForcibly);
                            process.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        process.destroyForcibly();
                    }
                }
            };
        };
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ")";
        }
    }
}
