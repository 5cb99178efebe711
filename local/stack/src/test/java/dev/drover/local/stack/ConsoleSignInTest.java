package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.console.signin.SignInSettings;
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
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./drover up} signs people in: its issuer knows the console's callback on the API's port and sends a browser
 * nowhere else, and a sign-in there (the code exchanged with its PKCE verifier, as the console exchanges it) gives a
 * token the stack's API accepts with the role chosen.
 */
class ConsoleSignInTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = TestStacks.withoutDemo();
    }

    @AfterAll
    static void stop() {
        TestStacks.stop(stack);
    }

    @Test
    void theConsolesCallbackOnTheApiPortIsRegisteredAndItsSignInOpensTheApi() throws Exception {
        SignInSettings settings = stack.signInSettings();
        assertEquals(stack.apiUri().resolve("/console/callback"), settings.redirectUri());
        assertEquals(stack.issuer().issuer(), settings.issuer());

        String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
        Map<String, String> request = authorize(settings.redirectUri().toString(), verifier);
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(stack.issuer().authorizationEndpoint() + "?" + form(request)))
                                                      .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());

        Map<String, String> posted = new LinkedHashMap<>(request);
        posted.put("user", "otto");
        posted.put("role", "operator");
        posted.put("action", "sign-in");
        HttpResponse<String> signedIn = post(stack.issuer().authorizationEndpoint(), posted);
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        URI back = URI.create(signedIn.headers().firstValue("Location").orElseThrow());
        assertTrue(back.toString().startsWith(settings.redirectUri() + "?"), back.toString());

        HttpResponse<String> token = post(stack.issuer().tokenEndpoint(), Map.of(
                "grant_type", "authorization_code", "code", query(back).get("code"), "redirect_uri", settings.redirectUri().toString(),
                "client_id", settings.clientId(), "code_verifier", verifier));
        assertEquals(200, token.statusCode(), token.body());
        String accessToken = Json.mapper().readTree(token.body()).path("access_token").asText();

        HttpResponse<String> migrations = HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve("/migrations"))
                                                            .header("Authorization", "Bearer " + accessToken).build(),
                                                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, migrations.statusCode(), migrations.body());
        HttpResponse<String> notAnAdmin = HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve("/history/audit"))
                                                            .header("Authorization", "Bearer " + accessToken).build(),
                                                    HttpResponse.BodyHandlers.ofString());
        JsonNode refusal = Json.mapper().readTree(notAnAdmin.body());
        assertEquals(403, notAnAdmin.statusCode(), notAnAdmin.body());
        assertTrue(refusal.path("error").path("message").asText().contains("otto (operator)"), notAnAdmin.body());
    }

    @Test
    void aBrowserSignsInToTheConsoleAndSeesItsPages() throws Exception {
        URI console = stack.apiUri().resolve("/console/migrations");
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(console).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(anonymous.statusCode() == 302 || anonymous.statusCode() == 303, anonymous.body());
        URI signIn = console.resolve(anonymous.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> toIssuer = HTTP.send(HttpRequest.newBuilder(signIn).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, toIssuer.statusCode(), signIn + " " + toIssuer.body());
        String pending = toIssuer.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("drover_sign_in=")).findFirst().orElseThrow().split(";")[0];
        URI authorize = URI.create(toIssuer.headers().firstValue("Location").orElseThrow());
        Map<String, String> fields = new LinkedHashMap<>(query(authorize));
        fields.put("user", "otto");
        fields.put("role", "operator");
        fields.put("action", "sign-in");
        HttpResponse<String> posted = post(stack.issuer().authorizationEndpoint(), fields);
        URI back = URI.create(posted.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> callback = HTTP.send(HttpRequest.newBuilder(back).header("Cookie", pending).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, callback.statusCode(), callback.body());
        assertEquals("/console/migrations", callback.headers().firstValue("Location").orElseThrow());
        String session = callback.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("drover_session=")).findFirst().orElseThrow().split(";")[0];
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(console).header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("otto"), page.body());
        HttpResponse<String> out = HTTP.send(HttpRequest.newBuilder(stack.apiUri().resolve("/console/sign-out")).header("Cookie", session)
                                                     .header("Origin", stack.apiUri().toString().replaceAll("/$", ""))
                                                     .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, out.statusCode(), out.body());
        assertTrue(out.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("drover_session=;")), out.headers().toString());
    }

    @Test
    void noOtherRedirectUriIsRedirectedTo() throws Exception {
        String elsewhere = "http://127.0.0.1:" + FreePort.pick() + "/console/callback";
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(stack.issuer().authorizationEndpoint() + "?"
                                                                                       + form(authorize(elsewhere, UUID.randomUUID() + "-" + UUID.randomUUID()))))
                                                      .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, page.statusCode());
        assertTrue(page.headers().firstValue("Location").isEmpty());
    }

    private static Map<String, String> authorize(String redirect, String verifier) throws Exception {
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> request = new LinkedHashMap<>();
        request.put("response_type", "code");
        request.put("client_id", SignInSettings.DEFAULT_CLIENT_ID);
        request.put("redirect_uri", redirect);
        request.put("state", UUID.randomUUID().toString());
        request.put("scope", SignInSettings.DEFAULT_SCOPE);
        request.put("code_challenge", challenge);
        request.put("code_challenge_method", "S256");
        return request;
    }

    private static HttpResponse<String> post(URI uri, Map<String, String> fields) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                                 .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
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
