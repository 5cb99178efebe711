package dev.drover.console.signin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token request of the authorization code grant (RFC 6749 section 4.1.3) as a public client: the code, the
 * redirect URI it was issued for, the client id, and the PKCE verifier in place of a secret. No redirects followed:
 * a token endpoint answers, it does not send the code on elsewhere.
 */
final class CodeExchange {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** The issuer answered, refusing: its OAuth error code (e.g. invalid_grant) and description. */
    static final class Refused extends Exception {
        private final String error;

        Refused(String error, String description) {
            super(description);
            this.error = error;
        }

        String error() {
            return error;
        }
    }

    private CodeExchange() {
    }

    /**
     * The access token the code buys; {@link Refused} when the issuer refuses it, {@link IOException} when the issuer
     * cannot be reached or answers what no token endpoint answers.
     */
    static String accessToken(URI tokenEndpoint, SignInSettings settings, String code, String verifier) throws IOException, Refused {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", settings.redirectUri().toString());
        form.put("client_id", settings.clientId());
        form.put("code_verifier", verifier);
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpResponse<byte[]> answer;
        try {
            answer = HTTP.send(HttpRequest.newBuilder(tokenEndpoint).timeout(Duration.ofSeconds(10))
                                       .header("Content-Type", "application/x-www-form-urlencoded")
                                       .header("Accept", "application/json")
                                       .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                               HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + tokenEndpoint, e);
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(answer.body());
        } catch (IOException e) {
            throw new IOException(tokenEndpoint + " answered " + answer.statusCode() + " with no JSON");
        }
        if (answer.statusCode() == 200 && json.path("access_token").isTextual()) {
            return json.path("access_token").asText();
        }
        if (answer.statusCode() >= 400 && answer.statusCode() < 500 && json.path("error").isTextual()) {
            throw new Refused(json.path("error").asText(), json.path("error_description").asText(""));
        }
        throw new IOException(tokenEndpoint + " answered " + answer.statusCode() + " without a token");
    }
}
