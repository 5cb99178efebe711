package dev.drover.migrator;

import dev.drover.contract.model.Check;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * What a migrator reads from its environment, with defaults that work beside the local stack.
 *
 * @param port         HTTP port ({@code PORT}, which Knative sets, else {@code DROVER_PORT}; default 8080)
 * @param platformUrl  the Drover API ({@code DROVER_API_URL}, default http://127.0.0.1:8080): every platform call
 *                     and the platform's keys ({@code GET /platform/keys})
 * @param callbackUrl  where step results go, {@code <callbackUrl>/event/<runId>}, and the only callback a step event
 *                     may name ({@code DROVER_CALLBACK_URL}, default the platform URL: the same variable, from the
 *                     same configuration, that tells the platform's worker what to put in step events)
 * @param publicUrl    where the platform reaches this migrator, announced for dry-runs ({@code MIGRATOR_URL});
 *                     empty announces no dry-run
 * @param pubsub       the Dapr pub/sub component announcements go through ({@code DROVER_PUBSUB}, default "pubsub")
 * @param redisUrl     Redis for remembering executed step events across restarts and replicas ({@code REDIS_URL});
 *                     empty remembers them in memory only
 * @param tokens       the migrator's identity ({@link TokenSource#fromEnvironment}: {@code DROVER_TOKEN_FILE} or
 *                     {@code DROVER_TOKEN_URL}...); required by {@link #fromEnvironment}, empty in {@link #local} (the
 *                     builder's {@link Migrator.Builder#tokens} then gives it)
 * @param metricsToken the bearer token {@code GET /observe/metrics} requires ({@code DROVER_METRICS_TOKEN}); empty
 *                     closes metrics
 * @param trigger      the OIDC issuer and audience of discovery triggers ({@code DROVER_TRIGGER_ISSUER},
 *                     {@code DROVER_TRIGGER_AUDIENCE}); empty accepts only the platform's signed triggers
 */
public record MigratorSettings(int port, URI platformUrl, URI callbackUrl, String publicUrl, String pubsub, Optional<URI> redisUrl,
                               Optional<TokenSource> tokens, Optional<String> metricsToken, Optional<Trigger> trigger,
                               String bindHost) {
    /** Every interface: a container's port is only reachable as the platform exposes it. */
    public static final String ALL_INTERFACES = "0.0.0.0";
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * Who may trigger discovery besides the platform: tokens of {@code issuer} for {@code audience}, such as the
     * ServiceAccount token a Knative PingSource sends with Knative's {@code authentication-oidc} feature.
     */
    public record Trigger(URI issuer, String audience) {
    }

    public MigratorSettings {
        callbackUrl = callbackUrl == null ? platformUrl : callbackUrl;
        publicUrl = Check.optionalHttpUrl("MIGRATOR_URL", publicUrl);
        metricsToken = metricsToken.filter(t -> !t.isBlank());
        if (bindHost == null || bindHost.isBlank()) {
            throw new IllegalArgumentException("DROVER_BIND must name an interface, e.g. 127.0.0.1 or 0.0.0.0");
        }
        bindHost = bindHost.trim();
    }

    public static MigratorSettings fromEnvironment(Map<String, String> env) {
        String port = env.getOrDefault("PORT", env.getOrDefault("DROVER_PORT", "8080"));
        int number;
        try {
            number = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT=" + port + " is not a port number");
        }
        String api = env.getOrDefault("DROVER_API_URL", "http://127.0.0.1:8080");
        return new MigratorSettings(number,
                                    URI.create(api),
                                    URI.create(env.getOrDefault("DROVER_CALLBACK_URL", api)),
                                    env.getOrDefault("MIGRATOR_URL", ""),
                                    env.getOrDefault("DROVER_PUBSUB", "pubsub"),
                                    Optional.ofNullable(env.get("REDIS_URL")).filter(s -> !s.isBlank()).map(URI::create),
                                    Optional.of(TokenSource.fromEnvironment(env)),
                                    Optional.ofNullable(env.get("DROVER_METRICS_TOKEN")),
                                    trigger(env),
                                    env.getOrDefault("DROVER_BIND", ALL_INTERFACES));
    }

    private static Optional<Trigger> trigger(Map<String, String> env) {
        String issuer = env.getOrDefault("DROVER_TRIGGER_ISSUER", "").trim();
        String audience = env.getOrDefault("DROVER_TRIGGER_AUDIENCE", "").trim();
        if (issuer.isEmpty() && audience.isEmpty()) {
            return Optional.empty();
        }
        if (issuer.isEmpty() || audience.isEmpty()) {
            throw new IllegalArgumentException("set both DROVER_TRIGGER_ISSUER and DROVER_TRIGGER_AUDIENCE (the OIDC issuer of "
                    + "discovery triggers and the audience their tokens are for), or neither");
        }
        URI uri;
        try {
            uri = URI.create(issuer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DROVER_TRIGGER_ISSUER=" + issuer + " is not a URL");
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("DROVER_TRIGGER_ISSUER=" + issuer + " is not an http(s) issuer URL");
        }
        return Optional.of(new Trigger(uri, audience));
    }

    /**
     * Beside a platform at {@code platformUrl}, on any free port of 127.0.0.1 only, remembering step events in memory;
     * no identity yet.
     */
    public static MigratorSettings local(URI platformUrl) {
        return new MigratorSettings(0, platformUrl, platformUrl, "", "pubsub", Optional.empty(), Optional.empty(), Optional.empty(),
                                    Optional.empty(), LOOPBACK);
    }

    /** As a record prints itself, but never the metrics token: settings end up in logs. */
    @Override
    public String toString() {
        return "MigratorSettings[port=" + port + ", platformUrl=" + platformUrl + ", callbackUrl=" + callbackUrl + ", publicUrl="
                + publicUrl + ", pubsub=" + pubsub + ", redisUrl=" + redisUrl.map(u -> u.getHost() + ":" + u.getPort())
                + ", tokens=" + tokens + ", metricsToken=" + metricsToken.map(t -> "(set)") + ", trigger=" + trigger + ", bindHost=" + bindHost + "]";
    }

    public MigratorSettings withPublicUrl(String url) {
        return new MigratorSettings(port, platformUrl, callbackUrl, url, pubsub, redisUrl, tokens, metricsToken, trigger, bindHost);
    }

    public MigratorSettings withPort(int newPort) {
        return new MigratorSettings(newPort, platformUrl, callbackUrl, publicUrl, pubsub, redisUrl, tokens, metricsToken, trigger, bindHost);
    }

    public MigratorSettings withTokens(TokenSource source) {
        return new MigratorSettings(port, platformUrl, callbackUrl, publicUrl, pubsub, redisUrl, Optional.of(source), metricsToken, trigger, bindHost);
    }

    public MigratorSettings withMetricsToken(String token) {
        return new MigratorSettings(port, platformUrl, callbackUrl, publicUrl, pubsub, redisUrl, tokens, Optional.of(token), trigger, bindHost);
    }

    public MigratorSettings withTrigger(Trigger value) {
        return new MigratorSettings(port, platformUrl, callbackUrl, publicUrl, pubsub, redisUrl, tokens, metricsToken, Optional.of(value), bindHost);
    }

    public MigratorSettings withBindHost(String newBindHost) {
        return new MigratorSettings(port, platformUrl, callbackUrl, publicUrl, pubsub, redisUrl, tokens, metricsToken, trigger, newBindHost);
    }
}
