package dev.drover.migrator;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The migrator's identity towards the platform: the bearer token it sends on every platform call and in every
 * announcement. In a cluster it is the migrator's Kubernetes ServiceAccount token, projected into a file for
 * audience {@code drover} ({@link #fromFile}); elsewhere a token from the organisation's IdP by OAuth2 client
 * credentials ({@link #clientCredentials}).
 */
public interface TokenSource {
    /** The token to send now; an {@link IOException} when none can be had now (a retry may get one). */
    String token() throws IOException;

    /** Always the same token: for tests and tools that already hold one (it is not renewed). */
    static TokenSource of(String token) {
        Objects.requireNonNull(token, "token");
        return () -> token;
    }

    /** The token in {@code file}, read again whenever the file changes (Kubernetes rotates projected tokens). */
    static TokenSource fromFile(Path file) {
        return new FileTokenSource(file);
    }

    /**
     * A token from {@code tokenUrl} by the OAuth2 client-credentials grant (RFC 6749 section 4.4), cached until
     * shortly before it expires.
     *
     * @param params extra form parameters the IdP wants, e.g. {@code audience=drover} (Auth0) or
     *               {@code migrator=hello-migrator} (the development issuer)
     */
    static TokenSource clientCredentials(URI tokenUrl, String clientId, String clientSecret, Map<String, String> params) {
        return new ClientCredentials(tokenUrl, clientId, clientSecret, params);
    }

    /**
     * {@code DROVER_TOKEN_FILE}, or {@code DROVER_TOKEN_URL} with {@code DROVER_CLIENT_ID}, {@code DROVER_CLIENT_SECRET}
     * and optionally {@code DROVER_TOKEN_PARAMS} (form-encoded: {@code audience=drover&scope=x}).
     */
    static TokenSource fromEnvironment(Map<String, String> env) {
        String file = env.getOrDefault("DROVER_TOKEN_FILE", "").trim();
        String url = env.getOrDefault("DROVER_TOKEN_URL", "").trim();
        if (!file.isEmpty() && !url.isEmpty()) {
            throw new IllegalArgumentException("both DROVER_TOKEN_FILE and DROVER_TOKEN_URL are set: a migrator has one identity, "
                    + "set only one of them");
        }
        if (!file.isEmpty()) {
            return fromFile(Path.of(file));
        }
        if (url.isEmpty()) {
            throw new IllegalArgumentException("the migrator has no identity: set DROVER_TOKEN_FILE (its Kubernetes ServiceAccount "
                    + "token, projected for audience 'drover') or DROVER_TOKEN_URL, DROVER_CLIENT_ID and DROVER_CLIENT_SECRET "
                    + "(OAuth2 client credentials; extra form parameters in DROVER_TOKEN_PARAMS)");
        }
        String id = env.getOrDefault("DROVER_CLIENT_ID", "");
        String secret = env.getOrDefault("DROVER_CLIENT_SECRET", "");
        if (id.isBlank() || secret.isBlank()) {
            throw new IllegalArgumentException("DROVER_TOKEN_URL is set, so DROVER_CLIENT_ID and DROVER_CLIENT_SECRET must be too");
        }
        URI endpoint;
        try {
            endpoint = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DROVER_TOKEN_URL=" + url + " is not a URL");
        }
        if (!("https".equals(endpoint.getScheme()) || "http".equals(endpoint.getScheme())) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("DROVER_TOKEN_URL=" + url + " is not an http(s) URL");
        }
        return clientCredentials(endpoint, id.trim(), secret.trim(), form(env.getOrDefault("DROVER_TOKEN_PARAMS", "")));
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("DROVER_TOKEN_PARAMS entry '" + pair + "' is not name=value");
            }
            params.put(URLDecoder.decode(pair.substring(0, eq).trim(), StandardCharsets.UTF_8),
                       URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8));
        }
        return params;
    }
}
