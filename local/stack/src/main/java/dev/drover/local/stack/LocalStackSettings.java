package dev.drover.local.stack;

import dev.drover.core.function.Settings;
import dev.drover.history.HistorySettings;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The local stack's ports and parts. Every port may be 0 (any free port) except Temporal's, which the
 * in-process server needs fixed.
 *
 * @param api             the functions ({@code DROVER_PORT}, 8080)
 * @param broker          the broker stand-in's ingress ({@code DROVER_BROKER_PORT}, 8081)
 * @param demoMigrator    the built-in demo migrators' first port ({@code DROVER_DEMO_PORT}, 8090; -1 turns them off)
 * @param daprGrpc        the Dapr stand-in's gRPC API ({@code DAPR_GRPC_PORT}, 50001)
 * @param daprHttp        the Dapr stand-in's HTTP API ({@code DAPR_HTTP_PORT}, 3500)
 * @param temporalPort    the in-process Temporal server ({@code DROVER_TEMPORAL_PORT}, 7233)
 * @param temporalAddress a real Temporal cluster instead ({@code TEMPORAL_ADDRESS})
 * @param migrators       external migrators the broker pushes step events to
 *                        ({@code DROVER_MIGRATORS=app-id=http://host:port/steps,...})
 * @param demoDir         where the demo migrators keep their sources: hello-migrator's project folders
 *                        ({@code DROVER_DEMO_DIR}, default drover-demo in the temporary folder)
 * @param history         the history database ({@code HISTORY_DB_URL}...; by default an H2 file,
 *                        {@code .drover/history.mv.db} under the working directory, so it lasts as long as Redis does)
 * @param bind            the interface every listener of the stack binds ({@code DROVER_BIND}, 127.0.0.1: a developer
 *                        machine's stack answers nothing from its network; 0.0.0.0 opens every listener to it)
 * @param daprApiToken    the token the Dapr stand-in requires ({@code DAPR_API_TOKEN}, as daprd reads it); empty: a
 *                        random one per start. Set it to publish from outside the stack (a Dapr SDK reads the same variable)
 * @param issuer          the development OIDC issuer's port ({@code DROVER_ISSUER_PORT}, 8082): operators' and migrators'
 *                        tokens come from it ({@code ./drover token})
 * @param pgDemo          the pg-credential-rotation demo's PostgreSQL ({@code PG_ROTATION_URL}, {@code PG_ROTATION_USER}; run
 *                        when it answers), and the name of its schema and roles ({@code DROVER_PG_DEMO}, drover_demo);
 *                        empty: no such demo
 * @param callbackUrl     where the run worker tells migrators to call back (the step event's {@code callback.url} base, what a
 *                        migrator's {@code DROVER_CALLBACK_URL} must say); empty: the stack's own API. The conformance kit
 *                        puts its recorder there, in front of the API
 */
public record LocalStackSettings(Settings functions, int api, int broker, int demoMigrator, int daprGrpc, int daprHttp,
                                 int temporalPort, Optional<String> temporalAddress, List<ExternalMigrator> migrators,
                                 Path demoDir, HistorySettings history, String bind, Optional<String> daprApiToken,
                                 int issuer, Optional<PgDemo> pgDemo, Optional<URI> callbackUrl) {
    /** The local stack's own default history: an H2 file in PostgreSQL mode. */
    public static final String HISTORY_FILE_URL = "jdbc:h2:file:./.drover/history" + HistorySettings.H2_OPTIONS;
    /** Loopback only: nothing outside this machine reaches the stack. */
    public static final String LOOPBACK = "127.0.0.1";

    public LocalStackSettings {
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("DROVER_BIND must name an interface, e.g. 127.0.0.1 or 0.0.0.0");
        }
        bind = bind.trim();
        Objects.requireNonNull(daprApiToken, "daprApiToken");
        Objects.requireNonNull(pgDemo, "pgDemo");
        Objects.requireNonNull(callbackUrl, "callbackUrl");
    }

    /**
     * Where the pg-credential-rotation demo seeds its roles and rows, and its services sign in.
     *
     * @param name the schema holding its marking table, and the prefix of its roles: a lower-case identifier
     */
    public record PgDemo(String url, String user, String name) {
    }

    /** A migrator running outside the stack, and where its step events go. */
    public record ExternalMigrator(String appId, URI steps) {
    }

    public static LocalStackSettings fromEnvironment(Map<String, String> env) {
        Settings functions = Settings.fromEnvironment(env);
        return new LocalStackSettings(functions, functions.port(),
                                      port(env, "DROVER_BROKER_PORT", 8081), port(env, "DROVER_DEMO_PORT", 8090),
                                      port(env, "DAPR_GRPC_PORT", 50001), port(env, "DAPR_HTTP_PORT", 3500),
                                      port(env, "DROVER_TEMPORAL_PORT", 7233),
                                      Optional.ofNullable(env.get("TEMPORAL_ADDRESS")).filter(a -> !a.isBlank()),
                                      migrators(env.getOrDefault("DROVER_MIGRATORS", "")),
                                      Path.of(env.getOrDefault("DROVER_DEMO_DIR",
                                                               Path.of(System.getProperty("java.io.tmpdir"), "drover-demo").toString())),
                                      HistorySettings.fromEnvironment(env, HISTORY_FILE_URL),
                                      Optional.ofNullable(env.get("DROVER_BIND")).filter(b -> !b.isBlank()).orElse(LOOPBACK),
                                      Optional.ofNullable(env.get("DAPR_API_TOKEN")).filter(t -> !t.isBlank()),
                                      port(env, "DROVER_ISSUER_PORT", 8082),
                                      Optional.of(new PgDemo(env.getOrDefault("PG_ROTATION_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                                                             env.getOrDefault("PG_ROTATION_USER", "postgres"),
                                                             env.getOrDefault("DROVER_PG_DEMO", "drover_demo"))),
                                      Optional.empty());
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= -1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException(name + "=" + value + " is not a port (0 to 65535)");
    }

    private static List<ExternalMigrator> migrators(String value) {
        List<ExternalMigrator> migrators = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("DROVER_MIGRATORS entry '" + entry + "' is not app-id=http://host:port/steps");
            }
            try {
                migrators.add(new ExternalMigrator(entry.substring(0, eq).trim(), URI.create(entry.substring(eq + 1).trim())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("DROVER_MIGRATORS entry '" + entry + "' has no valid URL");
            }
        }
        return List.copyOf(migrators);
    }

    /** Every port free-picked (Temporal's on the given port), a private in-memory history: for tests and benchmarks. */
    public static LocalStackSettings ephemeral(Settings functions, int temporalPort) {
        return new LocalStackSettings(functions.withPort(0), 0, 0, 0, 0, 0, temporalPort, Optional.empty(), List.of(),
                                      Path.of(System.getProperty("java.io.tmpdir"), "drover-demo-" + UUID.randomUUID()),
                                      HistorySettings.inMemory("local-" + UUID.randomUUID()), LOOPBACK, Optional.empty(), 0,
                                      Optional.empty(), Optional.empty());
    }

    public LocalStackSettings withoutDemo() {
        return new LocalStackSettings(functions, api, broker, -1, daprGrpc, daprHttp, temporalPort, temporalAddress, migrators,
                                      demoDir, history, bind, daprApiToken, issuer, pgDemo, callbackUrl);
    }

    /** With (or without) the pg-credential-rotation demo. */
    public LocalStackSettings withPgDemo(Optional<PgDemo> value) {
        return new LocalStackSettings(functions, api, broker, demoMigrator, daprGrpc, daprHttp, temporalPort, temporalAddress,
                                      migrators, demoDir, history, bind, daprApiToken, issuer, value, callbackUrl);
    }

    public LocalStackSettings withHistory(HistorySettings newHistory) {
        return new LocalStackSettings(functions, api, broker, demoMigrator, daprGrpc, daprHttp, temporalPort, temporalAddress,
                                      migrators, demoDir, newHistory, bind, daprApiToken, issuer, pgDemo, callbackUrl);
    }

    public LocalStackSettings withBind(String newBind) {
        return new LocalStackSettings(functions, api, broker, demoMigrator, daprGrpc, daprHttp, temporalPort, temporalAddress,
                                      migrators, demoDir, history, newBind, daprApiToken, issuer, pgDemo, callbackUrl);
    }

    /** Like the record's own, without the Dapr API token: settings may end up in a log. */
    /** The same stack with these ports (0: any free port), as the conformance kit's flags choose them. */
    public LocalStackSettings withPorts(int newApi, int newDaprGrpc, int newDaprHttp, int newIssuer) {
        return new LocalStackSettings(functions.withPort(newApi), newApi, broker, demoMigrator, newDaprGrpc, newDaprHttp,
                                      temporalPort, temporalAddress, migrators, demoDir, history, bind, daprApiToken, newIssuer,
                                      pgDemo, callbackUrl);
    }

    /** Step events name {@code base}{@code /event/<runId>} as their callback URL instead of the stack's API. */
    public LocalStackSettings withCallbackUrl(URI base) {
        return new LocalStackSettings(functions, api, broker, demoMigrator, daprGrpc, daprHttp, temporalPort, temporalAddress,
                                      migrators, demoDir, history, bind, daprApiToken, issuer, pgDemo, Optional.of(base));
    }

    @Override
    public String toString() {
        return "LocalStackSettings[api=%d, broker=%d, demoMigrator=%d, daprGrpc=%d, daprHttp=%d, temporalPort=%d, temporalAddress=%s, migrators=%s, demoDir=%s, bind=%s, daprApiToken=%s, issuer=%d, pgDemo=%s, callbackUrl=%s]"
                .formatted(api, broker, demoMigrator, daprGrpc, daprHttp, temporalPort, temporalAddress, migrators, demoDir,
                           bind, daprApiToken.isPresent() ? "(set)" : "(random)", issuer, pgDemo,
                           callbackUrl.map(URI::toString).orElse("(the API)"));
    }
}
