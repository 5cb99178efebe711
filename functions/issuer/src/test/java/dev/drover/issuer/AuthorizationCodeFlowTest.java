package dev.drover.issuer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Role;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.contract.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The development issuer's authorization code grant with PKCE, over real HTTP as a browser and the console drive it:
 * the sign-in page, its redirect with a code, the code exchanged once for a token Drover accepts; and everything a
 * stolen or replayed code, a wrong verifier or an unregistered redirect URI must not get.
 */
class AuthorizationCodeFlowTest {
    private static final String CALLBACK = "http://127.0.0.1:18080/console/callback";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MovableClock CLOCK = new MovableClock();
    private static DevIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = DevIssuer.start("127.0.0.1", 0, CLOCK);
        issuer.registerRedirectUri(URI.create(CALLBACK));
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @Test
    void discoveryNamesTheAuthorizationEndpointAndS256() throws Exception {
        JsonNode document = Json.mapper().readTree(get(issuer.issuer() + "/.well-known/openid-configuration").body());
        assertEquals(issuer.issuer() + "/authorize", document.path("authorization_endpoint").asText());
        assertEquals("[\"S256\"]", document.path("code_challenge_methods_supported").toString());
        assertTrue(document.path("grant_types_supported").toString().contains("\"authorization_code\""));
        assertTrue(document.path("grant_types_supported").toString().contains("\"client_credentials\""));
    }

    @Test
    void aSignInGivesACodeThatBuysOneTokenDroverAccepts() throws Exception {
        String verifier = verifier();
        HttpResponse<String> page = get(authorizeUrl(CALLBACK, AuthorizationCodes.challenge(verifier), "st-1"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Development issuer"), page.body());
        assertTrue(page.body().contains("no passwords"), page.body());

        URI back = signIn(CALLBACK, AuthorizationCodes.challenge(verifier), "st-1", "ana", "admin");
        Map<String, String> answer = query(back);
        assertTrue(back.toString().startsWith(CALLBACK + "?"), back.toString());
        assertEquals("st-1", answer.get("state"));
        assertEquals(issuer.issuer().toString(), answer.get("iss"));

        HttpResponse<String> token = exchange(answer.get("code"), CALLBACK, verifier);
        assertEquals(200, token.statusCode(), token.body());
        JsonNode body = Json.mapper().readTree(token.body());
        assertEquals("Bearer", body.path("token_type").asText());
        assertEquals(DevIssuer.LIFETIME.toSeconds(), body.path("expires_in").asLong());
        assertFalse(body.path("id_token").asText().isEmpty());
        Principal principal = new TokenVerifier(AuthSettings.of(issuer.issuer(), Optional.empty()))
                .verify(body.path("access_token").asText());
        assertEquals(new Principal.User("ana", Optional.of(Role.ADMIN)), principal);

        HttpResponse<String> again = exchange(answer.get("code"), CALLBACK, verifier);
        assertEquals(400, again.statusCode());
        assertEquals("invalid_grant", Json.mapper().readTree(again.body()).path("error").asText());
    }

    @Test
    void aWrongVerifierIsInvalidGrantAndSpendsTheCode() throws Exception {
        String verifier = verifier();
        String code = query(signIn(CALLBACK, AuthorizationCodes.challenge(verifier), "st-2", "otto", "operator")).get("code");

        HttpResponse<String> wrong = exchange(code, CALLBACK, verifier());
        assertEquals(400, wrong.statusCode());
        assertEquals("invalid_grant", Json.mapper().readTree(wrong.body()).path("error").asText());
        assertTrue(wrong.body().contains("code_verifier does not match"), wrong.body());
        assertEquals(400, exchange(code, CALLBACK, verifier).statusCode(), "a code answers once, right or wrong");
    }

    @Test
    void aCodeIsOnlyForTheRedirectUriItWasIssuedFor() throws Exception {
        String other = "http://127.0.0.1:18081/console/callback";
        issuer.registerRedirectUri(URI.create(other));
        String verifier = verifier();
        String code = query(signIn(CALLBACK, AuthorizationCodes.challenge(verifier), "st-3", "vera", "viewer")).get("code");

        HttpResponse<String> answer = exchange(code, other, verifier);
        assertEquals(400, answer.statusCode());
        assertEquals("invalid_grant", Json.mapper().readTree(answer.body()).path("error").asText());
        assertTrue(answer.body().contains("redirect_uri is not the one"), answer.body());
    }

    @Test
    void anExpiredCodeIsRefused() throws Exception {
        String verifier = verifier();
        String code = query(signIn(CALLBACK, AuthorizationCodes.challenge(verifier), "st-4", "vera", "viewer")).get("code");
        CLOCK.advance(Duration.ofSeconds(61));

        HttpResponse<String> answer = exchange(code, CALLBACK, verifier);
        assertEquals(400, answer.statusCode());
        assertEquals("invalid_grant", Json.mapper().readTree(answer.body()).path("error").asText());
    }

    @Test
    void anUnregisteredRedirectUriGetsAPageNeverARedirect() throws Exception {
        String evil = "https://attacker.example/steal";
        String challenge = AuthorizationCodes.challenge(verifier());

        HttpResponse<String> page = get(authorizeUrl(evil, challenge, "st-5"));
        assertEquals(400, page.statusCode());
        assertTrue(page.headers().firstValue("Location").isEmpty());
        assertTrue(page.body().contains("not a redirect URI registered"), page.body());
        assertFalse(page.body().contains("<form"), "no way to sign in towards it");

        HttpResponse<String> posted = postSignIn(evil, challenge, "st-5", "ana", "admin", "sign-in");
        assertEquals(400, posted.statusCode());
        assertTrue(posted.headers().firstValue("Location").isEmpty());

        HttpResponse<String> unknownClient = get(authorizeUrl(CALLBACK, challenge, "st-5").replace("client_id=drover-console", "client_id=someone"));
        assertEquals(400, unknownClient.statusCode());
        assertTrue(unknownClient.headers().firstValue("Location").isEmpty());
    }

    @Test
    void withoutAnS256ChallengeTheClientHearsInvalidRequest() throws Exception {
        String plain = authorizeUrl(CALLBACK, AuthorizationCodes.challenge(verifier()), "st-6")
                .replace("code_challenge_method=S256", "code_challenge_method=plain");
        HttpResponse<String> answer = get(plain);
        assertEquals(303, answer.statusCode());
        Map<String, String> back = query(URI.create(answer.headers().firstValue("Location").orElseThrow()));
        assertEquals("invalid_request", back.get("error"));
        assertEquals("st-6", back.get("state"));
    }

    @Test
    void cancellingSendsAccessDenied() throws Exception {
        HttpResponse<String> answer = postSignIn(CALLBACK, AuthorizationCodes.challenge(verifier()), "st-7", "", "", "cancel");
        assertEquals(303, answer.statusCode());
        Map<String, String> back = query(URI.create(answer.headers().firstValue("Location").orElseThrow()));
        assertEquals("access_denied", back.get("error"));
        assertEquals("st-7", back.get("state"));
        assertFalse(back.containsKey("code"));
    }

    @Test
    void theNameOnThePageIsEscaped() throws Exception {
        HttpResponse<String> answer = postSignIn(CALLBACK, AuthorizationCodes.challenge(verifier()), "\"><script>x</script>",
                                                 "", "operator", "sign-in");
        assertEquals(400, answer.statusCode());
        assertFalse(answer.body().contains("<script>"), answer.body());
    }

    private static String verifier() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String authorizeUrl(String redirect, String challenge, String state) {
        return issuer.authorizationEndpoint() + "?" + form(Map.of("response_type", "code", "client_id", DevIssuer.CONSOLE_CLIENT,
                                                                  "redirect_uri", redirect, "state", state, "scope", "openid",
                                                                  "code_challenge", challenge, "code_challenge_method", "S256"));
    }

    /** The sign-in form posted as a browser posts it; the redirect it answers with. */
    private static URI signIn(String redirect, String challenge, String state, String user, String role) throws Exception {
        HttpResponse<String> answer = postSignIn(redirect, challenge, state, user, role, "sign-in");
        assertEquals(303, answer.statusCode(), answer.body());
        return URI.create(answer.headers().firstValue("Location").orElseThrow());
    }

    private static HttpResponse<String> postSignIn(String redirect, String challenge, String state, String user, String role,
                                                   String action) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", DevIssuer.CONSOLE_CLIENT,
                                                                "redirect_uri", redirect, "state", state, "scope", "openid",
                                                                "code_challenge", challenge, "code_challenge_method", "S256"));
        fields.put("user", user);
        fields.put("role", role);
        fields.put("action", action);
        return HTTP.send(HttpRequest.newBuilder(issuer.authorizationEndpoint())
                                 .header("Content-Type", "application/x-www-form-urlencoded")
                                 .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> exchange(String code, String redirect, String verifier) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(issuer.tokenEndpoint())
                                 .header("Content-Type", "application/x-www-form-urlencoded")
                                 .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                                         "grant_type", "authorization_code", "code", code, "redirect_uri", redirect,
                                         "client_id", DevIssuer.CONSOLE_CLIENT, "code_verifier", verifier)))).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((name, value) -> form.append(form.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return form.toString();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] nameValue = pair.split("=", 2);
            query.put(nameValue[0], URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        return query;
    }
}
