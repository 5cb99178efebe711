package dev.drover.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A token by the OAuth2 client-credentials grant (RFC 6749 section 4.4), kept until shortly before its
 * {@code expires_in} so that a token is never sent in its last minute, and asked for again after that.
 */
final class ClientCredentials implements TokenSource {
    private static final System.Logger LOGGER = System.getLogger(ClientCredentials.class.getName());
    /** Renew this long before expiry (at most a quarter of the lifetime): the platform must still accept it on arrival. */
    private static final Duration EARLY = Duration.ofSeconds(60);
    /** An IdP that says nothing of expiry (expires_in is only RECOMMENDED) is asked again this often. */
    private static final Duration UNSTATED = Duration.ofSeconds(60);

    private record Held(String token, Instant renewAt) {
    }

    // No redirects: the request carries the client secret, which must go to the configured endpoint only.
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final URI endpoint;
    private final String authorization;
    private final String form;
    private final Clock clock;
    private Held held;

    ClientCredentials(URI endpoint, String clientId, String clientSecret, Map<String, String> params) {
        this(endpoint, clientId, clientSecret, params, Clock.systemUTC());
    }

    ClientCredentials(URI endpoint, String clientId, String clientSecret, Map<String, String> params, Clock clock) {
        this.endpoint = endpoint;
        // client_secret_basic, which every IdP must support (RFC 6749 section 2.3.1): id and secret form-encoded first.
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
        Map<String, String> fields = new LinkedHashMap<>(params);
        fields.put("grant_type", "client_credentials");
        this.form = fields.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        this.clock = clock;
    }

    @Override
    public synchronized String token() throws IOException {
        Instant now = clock.instant();
        if (held == null || !now.isBefore(held.renewAt())) {
            held = fetch(now);
        }
        return held.token();
    }

    private Held fetch(Instant now) throws IOException {
        HttpResponse<byte[]> answer;
        try {
            answer = HTTP.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                                       .header("Authorization", authorization)
                                       .header("Content-Type", "application/x-www-form-urlencoded")
                                       .header("Accept", "application/json")
                                       .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                               HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + endpoint + " for a token", e);
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(answer.body());
        } catch (IOException e) {
            body = null;
        }
        if (answer.statusCode() != 200 || body == null || !body.path("access_token").isTextual()) {
            // RFC 6749 section 5.2: error and error_description say why; the rest of the body is not repeated.
            String why = body == null ? "" : (body.path("error").asText("") + " " + body.path("error_description").asText("")).trim();
            String message = "the token endpoint " + endpoint + " answered " + answer.statusCode()
                    + (why.isEmpty() ? " without a token" : ": " + abbreviate(why))
                    + "; check DROVER_TOKEN_URL, DROVER_CLIENT_ID, DROVER_CLIENT_SECRET and DROVER_TOKEN_PARAMS";
            LOGGER.log(System.Logger.Level.WARNING, message);
            throw new IOException(message);
        }
        String type = body.path("token_type").asText("Bearer");
        if (!type.equalsIgnoreCase("bearer")) {
            throw new IOException("the token endpoint " + endpoint + " gave a token of type '" + abbreviate(type) + "', not Bearer");
        }
        long expiresIn = body.path("expires_in").asLong(0);
        Instant renewAt;
        if (expiresIn > 0) {
            Duration lifetime = Duration.ofSeconds(expiresIn);
            Duration early = lifetime.dividedBy(4).compareTo(EARLY) < 0 ? lifetime.dividedBy(4) : EARLY;
            renewAt = now.plus(lifetime).minus(early);
        } else {
            renewAt = now.plus(UNSTATED);
        }
        return new Held(body.path("access_token").asText(), renewAt);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", " ");
        return printable.length() > 200 ? printable.substring(0, 200) + "..." : printable;
    }

    @Override
    public String toString() {
        return "client credentials at " + endpoint;
    }
}
