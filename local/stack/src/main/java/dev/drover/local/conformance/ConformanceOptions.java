package dev.drover.local.conformance;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the kit tests and how.
 *
 * @param app                 the migrator app id under test: the {@code migratorApp} of its steps, its identity at the issuer
 * @param migrator            where it listens ({@code POST <it>/steps}, {@code /discover}); empty: a free loopback port,
 *                            which the environment tells it ({@code PORT}, {@code MIGRATOR_URL})
 * @param launcher            how it comes up
 * @param ports               the kit's platform's ports (0: any free one)
 * @param redisUrl            the Redis the kit's platform keeps its state in (under a key prefix of its own, deleted after)
 * @param candidate           the candidate to run; empty: the first one discovered that has not started
 * @param extraEnvironment    more variables for the migrator (a command's own settings, e.g. {@code HELLO_DIR})
 * @param announcePatience    how long to wait for the announcement (a JVM migrator takes seconds to start)
 * @param stepPatience        how long to wait for each callback, each submission, each step event
 * @param quiet               how long nothing must happen: after forged events (no callback), after a redelivery (no
 *                            second callback)
 * @param progress            where the kit says what it is doing (the report itself is returned)
 */
public record ConformanceOptions(String app, Optional<URI> migrator, MigratorLauncher launcher, Ports ports, String redisUrl,
                                 Optional<String> candidate, Map<String, String> extraEnvironment, Duration announcePatience,
                                 Duration stepPatience, Duration quiet, PrintStream progress) {
    /** The listeners of the kit's platform; each 0 for any free port. All bind 127.0.0.1. */
    public record Ports(int api, int daprGrpc, int daprHttp, int issuer, int kit) {
        public static Ports free() {
            return new Ports(0, 0, 0, 0, 0);
        }
    }

    public ConformanceOptions {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(launcher, "launcher");
        extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** Free ports, the machine's Redis ({@code REDIS_URL}), 60 s for the announcement, 30 s per step, 2 s of quiet. */
    public static ConformanceOptions of(String app, MigratorLauncher launcher) {
        return new ConformanceOptions(app, Optional.empty(), launcher, Ports.free(),
                                      System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"), Optional.empty(),
                                      Map.of(), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(2), System.err);
    }

    public ConformanceOptions withMigrator(URI url) {
        return new ConformanceOptions(app, Optional.of(url), launcher, ports, redisUrl, candidate, extraEnvironment,
                                      announcePatience, stepPatience, quiet, progress);
    }

    public ConformanceOptions withPorts(Ports value) {
        return new ConformanceOptions(app, migrator, launcher, value, redisUrl, candidate, extraEnvironment,
                                      announcePatience, stepPatience, quiet, progress);
    }

    public ConformanceOptions withRedisUrl(String value) {
        return new ConformanceOptions(app, migrator, launcher, ports, value, candidate, extraEnvironment,
                                      announcePatience, stepPatience, quiet, progress);
    }

    public ConformanceOptions withCandidate(String value) {
        return new ConformanceOptions(app, migrator, launcher, ports, redisUrl, Optional.of(value), extraEnvironment,
                                      announcePatience, stepPatience, quiet, progress);
    }

    public ConformanceOptions withEnvironment(Map<String, String> value) {
        return new ConformanceOptions(app, migrator, launcher, ports, redisUrl, candidate, value,
                                      announcePatience, stepPatience, quiet, progress);
    }

    public ConformanceOptions withPatience(Duration announce, Duration step, Duration quietFor) {
        return new ConformanceOptions(app, migrator, launcher, ports, redisUrl, candidate, extraEnvironment,
                                      announce, step, quietFor, progress);
    }

    public ConformanceOptions withProgress(PrintStream value) {
        return new ConformanceOptions(app, migrator, launcher, ports, redisUrl, candidate, extraEnvironment,
                                      announcePatience, stepPatience, quiet, value);
    }
}
