package dev.drover.functions.trust;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the platform may send requests to migrators (their announced {@code migratorUrl}, for dry-runs):
 * hosts matching the allowlist ({@code DROVER_MIGRATOR_URLS}, comma-separated; {@code *.suffix} matches any
 * host below suffix; default {@value #DEFAULT}, the cluster's service domain). Anything else could point the
 * platform at any address it can reach.
 */
public final class MigratorUrls {
    public static final String ENV = "DROVER_MIGRATOR_URLS";
    public static final String DEFAULT = "*.svc.cluster.local";
    /** The local stack's: its migrators listen on loopback. */
    public static final String LOOPBACK = "127.0.0.1,localhost";

    private final List<String> patterns;

    public MigratorUrls(String allowlist) {
        this.patterns = Arrays.stream(allowlist.split(",")).map(String::trim).filter(p -> !p.isEmpty())
                .map(p -> p.toLowerCase(Locale.ROOT)).toList();
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException(ENV + " allows no host: name at least one (e.g. " + DEFAULT + ")");
        }
    }

    public static MigratorUrls fromEnvironment(Map<String, String> env) {
        return new MigratorUrls(env.getOrDefault(ENV, DEFAULT));
    }

    /** Why the URL may not be used, or empty when it may. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("'" + url + "' is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            return Optional.of("'" + url + "' is not an http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Optional.of("'" + url + "' may not carry user info, a query or a fragment");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        for (String pattern : patterns) {
            if (pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
                                         : host.equals(pattern)) {
                return Optional.empty();
            }
        }
        return Optional.of("the host of '" + url + "' is not in " + ENV + " (" + String.join(",", patterns) + ")");
    }
}
