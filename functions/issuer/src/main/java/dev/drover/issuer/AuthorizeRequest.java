package dev.drover.issuer;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An authorization request (RFC 6749 section 4.1.1 with PKCE, RFC 7636 section 4.3), as the sign-in page receives it
 * twice: in the query of {@code GET /authorize}, then in the hidden fields of the form it posts back, so it is
 * checked again each time.
 */
record AuthorizeRequest(String clientId, String redirectUri, String responseType, Optional<String> state,
                        String challenge, String challengeMethod, String scope, Optional<String> nonce) {
    private static final int MAX_PARAMETER = 2048;

    static AuthorizeRequest of(Map<String, String> parameters) {
        return new AuthorizeRequest(parameters.getOrDefault("client_id", ""),
                                    parameters.getOrDefault("redirect_uri", ""),
                                    parameters.getOrDefault("response_type", ""),
                                    Optional.ofNullable(parameters.get("state")).filter(s -> !s.isEmpty()),
                                    parameters.getOrDefault("code_challenge", ""),
                                    parameters.getOrDefault("code_challenge_method", ""),
                                    parameters.getOrDefault("scope", ""),
                                    Optional.ofNullable(parameters.get("nonce")).filter(s -> !s.isEmpty()));
    }

    /** What checking a request found. */
    sealed interface Verdict {
    }

    /** The client or the redirect URI is unknown: say so on a page and never redirect (section 4.1.2.1). */
    record Refused(String message) implements Verdict {
    }

    /** The client and where to send the person back are sound, the rest is not: tell the client, at its redirect URI. */
    record ClientError(String error, String description) implements Verdict {
    }

    record Sound() implements Verdict {
    }

    Verdict check(String knownClient, Set<String> registeredRedirects) {
        if (!clientId.equals(knownClient)) {
            return new Refused("This issuer knows no client '" + clientId + "'. The console signs in as '" + knownClient + "'.");
        }
        if (redirectUri.isEmpty() || !registeredRedirects.contains(redirectUri)) {
            return new Refused("'" + redirectUri + "' is not a redirect URI registered for " + clientId
                                       + ", so this issuer sends nobody there. Registered: "
                                       + (registeredRedirects.isEmpty() ? "none" : String.join(", ", new TreeSet<>(registeredRedirects))) + ".");
        }
        if (!responseType.equals("code")) {
            return new ClientError("unsupported_response_type", "only response_type=code is supported");
        }
        if (!challengeMethod.equals("S256")) {
            return new ClientError("invalid_request", "code_challenge_method must be S256 (PKCE)");
        }
        if (!AuthorizationCodes.CHALLENGE.matcher(challenge).matches()) {
            return new ClientError("invalid_request", "code_challenge must be the base64url SHA-256 of a code verifier");
        }
        if (state.map(String::length).orElse(0) > MAX_PARAMETER || nonce.map(String::length).orElse(0) > MAX_PARAMETER
                || scope.length() > MAX_PARAMETER) {
            return new ClientError("invalid_request", "state, nonce and scope must be at most " + MAX_PARAMETER + " characters");
        }
        return new Sound();
    }

    /** Where to send the person back: the redirect URI with {@code parameters}, the state and this issuer added. */
    URI redirect(Map<String, String> parameters, URI issuer) {
        Map<String, String> all = new LinkedHashMap<>(parameters);
        state.ifPresent(s -> all.put("state", s));
        all.put("iss", issuer.toString()); // RFC 9207: the client can tell which issuer answered
        StringBuilder query = new StringBuilder();
        all.forEach((name, value) -> query.append(query.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return URI.create(redirectUri + (redirectUri.contains("?") ? "&" : "?") + query);
    }

    /** The request again, as the hidden fields of the sign-in form. */
    Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("client_id", clientId);
        fields.put("redirect_uri", redirectUri);
        fields.put("response_type", responseType);
        state.ifPresent(s -> fields.put("state", s));
        fields.put("code_challenge", challenge);
        fields.put("code_challenge_method", challengeMethod);
        fields.put("scope", scope);
        nonce.ifPresent(n -> fields.put("nonce", n));
        return fields;
    }
}
