package dev.drover.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * OIDC discovery (OpenID Connect Discovery 1.0, section 4): the issuer's configuration names its JWKS.
 * The document must name the issuer exactly as configured, or tokens could be checked against keys of
 * someone else's choosing.
 */
final class OidcDiscovery {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private OidcDiscovery() {
    }

    /** The issuer's {@code jwks_uri}; an {@link IOException} when the issuer cannot be asked or answers nonsense. */
    static URL jwksUri(URI issuer) throws IOException {
        String base = issuer.toString().endsWith("/") ? issuer.toString().substring(0, issuer.toString().length() - 1)
                                                      : issuer.toString();
        URI configuration = URI.create(base + "/.well-known/openid-configuration");
        HttpResponse<byte[]> answer;
        try {
            answer = HTTP.send(HttpRequest.newBuilder(configuration).timeout(Duration.ofSeconds(5)).build(),
                               HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + configuration, e);
        }
        if (answer.statusCode() != 200) {
            throw new IOException(configuration + " answered " + answer.statusCode());
        }
        JsonNode document = Json.mapper().readTree(answer.body());
        String named = document.path("issuer").asText("");
        if (!named.equals(issuer.toString()) && !named.equals(base)) {
            throw new IOException(configuration + " names issuer '" + named + "', not " + issuer);
        }
        String jwks = document.path("jwks_uri").asText("");
        try {
            URI uri = URI.create(jwks);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IOException(configuration + " names no http(s) jwks_uri: '" + jwks + "'");
            }
            return uri.toURL();
        } catch (IllegalArgumentException e) {
            throw new IOException(configuration + " names a jwks_uri that is no URL: '" + jwks + "'");
        }
    }
}
