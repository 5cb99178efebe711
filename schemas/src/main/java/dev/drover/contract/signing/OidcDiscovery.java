package dev.drover.contract.signing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;

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
 * someone else's choosing. The functions read the JWKS it names; the console's sign-in its authorization and token
 * endpoints.
 */
public final class OidcDiscovery {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private OidcDiscovery() {
    }

    /** Where a browser signs in ({@code authorization_endpoint}) and where its code is exchanged ({@code token_endpoint}). */
    public record SignInEndpoints(URI authorization, URI token) {
    }

    /** The issuer's {@code jwks_uri}; an {@link IOException} when the issuer cannot be asked or answers nonsense. */
    static URL jwksUri(URI issuer) throws IOException {
        JsonNode document = document(issuer);
        String jwks = document.path("jwks_uri").asText("");
        return endpoint(issuer, "jwks_uri", jwks).toURL();
    }

    /**
     * The issuer's endpoints for the authorization code grant; an {@link IOException} when the issuer cannot be
     * asked, answers nonsense, or names no such endpoints (an issuer for machines only).
     */
    public static SignInEndpoints signInEndpoints(URI issuer) throws IOException {
        JsonNode document = document(issuer);
        return new SignInEndpoints(endpoint(issuer, "authorization_endpoint", document.path("authorization_endpoint").asText("")),
                                   endpoint(issuer, "token_endpoint", document.path("token_endpoint").asText("")));
    }

    private static URI endpoint(URI issuer, String name, String value) throws IOException {
        try {
            URI uri = URI.create(value);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new IOException("the OIDC configuration of " + issuer + " names no http(s) " + name + ": '" + value + "'");
    }

    private static JsonNode document(URI issuer) throws IOException {
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
        return document;
    }
}
