package dev.drover.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.drover.core.auth.Role;
import dev.drover.core.http.Http;
import dev.drover.contract.model.Check;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A development OIDC issuer for the local stack and the tests: OIDC discovery, a JWKS (an RSA key made at
 * start) and an OAuth2 token endpoint for the client-credentials grant, so Drover verifies its tokens exactly
 * as it verifies a real IdP's. One confidential client ({@link #clientId()} and a random secret) may ask for:
 * <ul>
 *     <li>{@code role=viewer|operator|admin} and optionally {@code user=NAME}: a person's token, roles in claim
 *     {@code roles}, the name in {@code preferred_username};</li>
 *     <li>{@code migrator=APP}: a migrator app's token, subject {@code system:serviceaccount:drover:APP}, the form a
 *     Kubernetes ServiceAccount token has.</li>
 * </ul>
 * Tokens are for audience {@value #AUDIENCE} and live {@link #LIFETIME}. It binds where it is told (the local
 * stack: loopback) and everything it mints is void once it stops: the key lives in memory only.
 * <p>
 * People sign in to the console through it too: the authorization code grant with PKCE (S256) for the public client
 * {@value #CONSOLE_CLIENT}. {@code GET /authorize} shows a development sign-in page (a name and a role, no password);
 * its code lives 60 seconds, answers once, and is bound to the client, the redirect URI and the challenge. Only
 * redirect URIs registered with {@link #registerRedirectUri} are ever redirected to.
 */
public final class DevIssuer implements AutoCloseable {
    public static final String AUDIENCE = "drover";
    public static final String MIGRATOR_PREFIX = "system:serviceaccount:drover:";
    public static final Duration LIFETIME = Duration.ofHours(1);
    /** The console's client: public (a browser application has no secret to keep), so PKCE is required. */
    public static final String CONSOLE_CLIENT = "drover-console";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RSAKey key;
    private final String clientId = "drover-dev";
    private final String clientSecret;
    private final AuthorizationCodes codes;
    private final Set<String> redirectUris = ConcurrentHashMap.newKeySet();
    private WebServer server;
    private URI issuer;

    private DevIssuer(Clock clock) {
        this.codes = new AuthorizationCodes(clock);
        try {
            this.key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an RSA key", e);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        this.clientSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Serves the issuer on {@code host}:{@code port} (0 for any free port). */
    public static DevIssuer start(String host, int port) {
        return start(host, port, Clock.systemUTC());
    }

    /** As {@link #start(String, int)}, with the clock that authorization codes expire by (tests move it). */
    public static DevIssuer start(String host, int port, Clock clock) {
        DevIssuer issuer = new DevIssuer(clock);
        issuer.server = WebServer.builder()
                .host(host)
                .port(port)
                .featuresDiscoverServices(false)
                .routing(routing -> routing
                        .get("/.well-known/openid-configuration", issuer::discovery)
                        .get("/jwks", issuer::jwks)
                        .get("/authorize", issuer::authorizePage)
                        .post("/authorize", issuer::authorizeAnswer)
                        .post("/token", issuer::tokenEndpoint))
                .build()
                .start();
        issuer.issuer = URI.create("http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + issuer.server.port());
        return issuer;
    }

    public URI issuer() {
        return issuer;
    }

    public URI tokenEndpoint() {
        return URI.create(issuer + "/token");
    }

    public URI authorizationEndpoint() {
        return URI.create(issuer + "/authorize");
    }

    /**
     * Lets the console's client be sent back to {@code redirectUri} (exactly this URI, as OAuth 2.1 asks): the local
     * stack registers its console's callback. Any other redirect URI gets an error page, never a redirect.
     */
    public void registerRedirectUri(URI redirectUri) {
        redirectUris.add(redirectUri.toString());
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    public int port() {
        return server.port();
    }

    /** A person's token with {@code role} (no role: a person Drover gives nothing to). */
    public String userToken(String name, Optional<Role> role) {
        JWTClaimsSet.Builder claims = base(name).claim("preferred_username", name);
        role.ifPresent(r -> claims.claim("roles", List.of(r.wire())));
        return sign(claims.build());
    }

    public String userToken(String name, Role role) {
        return userToken(name, Optional.of(role));
    }

    /** A migrator app's token, shaped like a Kubernetes ServiceAccount token. */
    public String migratorToken(String app) {
        Check.slug("migrator", app);
        return sign(base(MIGRATOR_PREFIX + app).build());
    }

    /** Any claims, signed with the issuer's key: for tests of what Drover must refuse (wrong audience, expired...). */
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
                                      claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign", e);
        }
        return jwt.serialize();
    }

    /** The claims every token starts with: this issuer, the audience, now, an hour. */
    public JWTClaimsSet.Builder base(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer.toString())
                .subject(subject)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString());
    }

    private void discovery(ServerRequest req, ServerResponse res) {
        Map<String, Object> document = new HashMap<>();
        document.put("issuer", issuer.toString());
        document.put("jwks_uri", issuer + "/jwks");
        document.put("token_endpoint", tokenEndpoint().toString());
        document.put("authorization_endpoint", authorizationEndpoint().toString());
        document.put("grant_types_supported", List.of("authorization_code", "client_credentials"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        document.put("response_types_supported", List.of("code"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("scopes_supported", List.of("openid", "profile"));
        document.put("authorization_response_iss_parameter_supported", true);
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        Http.json(res, document);
    }

    private void jwks(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
        res.send(new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8));
    }

    /** The sign-in page, for a sound request of a known client and redirect URI. */
    private void authorizePage(ServerRequest req, ServerResponse res) {
        Map<String, String> query = new HashMap<>();
        req.query().names().forEach(name -> query.put(name, req.query().get(name)));
        AuthorizeRequest request = AuthorizeRequest.of(query);
        if (refusedOrRedirected(request, res)) {
            return;
        }
        page(res, Status.OK_200, SignInPage.form(request, "developer", Role.OPERATOR, ""));
    }

    /** The sign-in form posted back: a code for the name and role chosen, or access_denied for a cancel. */
    private void authorizeAnswer(ServerRequest req, ServerResponse res) {
        Map<String, String> form = form(req.content().hasEntity() ? req.content().as(String.class) : "");
        AuthorizeRequest request = AuthorizeRequest.of(form);
        if (refusedOrRedirected(request, res)) {
            return;
        }
        if ("cancel".equals(form.get("action"))) {
            redirect(res, request.redirect(Map.of("error", "access_denied", "error_description", "the person cancelled signing in"), issuer));
            return;
        }
        String user = form.getOrDefault("user", "").strip();
        Optional<Role> role = Role.fromWire(form.getOrDefault("role", ""));
        if (user.isEmpty() || user.length() > 100 || user.chars().anyMatch(Character::isISOControl) || role.isEmpty()) {
            page(res, Status.BAD_REQUEST_400, SignInPage.form(request, user, role.orElse(Role.OPERATOR),
                                                             "Give a name of 1 to 100 characters and choose a role."));
            return;
        }
        String code;
        try {
            code = codes.issue(request.clientId(), request.redirectUri(), request.challenge(), user, role.get(), request.nonce());
        } catch (IllegalStateException e) {
            redirect(res, request.redirect(Map.of("error", "temporarily_unavailable", "error_description", e.getMessage()), issuer));
            return;
        }
        redirect(res, request.redirect(Map.of("code", code), issuer));
    }

    /** True when the request was answered already: a refusal page (unknown client or redirect URI), or an error redirect. */
    private boolean refusedOrRedirected(AuthorizeRequest request, ServerResponse res) {
        switch (request.check(CONSOLE_CLIENT, Set.copyOf(redirectUris))) {
            case AuthorizeRequest.Refused refused -> {
                page(res, Status.BAD_REQUEST_400, SignInPage.refused(refused.message()));
                return true;
            }
            case AuthorizeRequest.ClientError error -> {
                redirect(res, request.redirect(Map.of("error", error.error(), "error_description", error.description()), issuer));
                return true;
            }
            case AuthorizeRequest.Sound sound -> {
                return false;
            }
        }
    }

    private static void page(ServerResponse res, Status status, String html) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("Content-Security-Policy", SignInPage.CONTENT_SECURITY_POLICY);
        res.header("X-Frame-Options", "DENY");
        res.header("Referrer-Policy", "no-referrer");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    /** 303: the browser follows with a GET, whatever method brought it here. */
    private static void redirect(ServerResponse res, URI location) {
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location.toString());
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("Referrer-Policy", "no-referrer");
        res.send();
    }

    /**
     * RFC 6749 section 4.1.3 for the console's public client (PKCE, RFC 7636 section 4.6, instead of a secret) and
     * section 4.4 with client_secret_basic or client_secret_post; errors as section 5.2 says.
     */
    private void tokenEndpoint(ServerRequest req, ServerResponse res) {
        Map<String, String> form = form(req.content().hasEntity() ? req.content().as(String.class) : "");
        if ("authorization_code".equals(form.get("grant_type"))) {
            redeemCode(form, res);
            return;
        }
        Optional<String[]> basic = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.regionMatches(true, 0, "Basic ", 0, 6))
                .map(h -> new String(decode(h.substring(6).trim()), StandardCharsets.UTF_8).split(":", 2))
                .filter(parts -> parts.length == 2);
        String id = basic.map(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8)).orElse(form.getOrDefault("client_id", ""));
        String secret = basic.map(p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)).orElse(form.getOrDefault("client_secret", ""));
        if (!id.equals(clientId) || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), clientSecret.getBytes(StandardCharsets.UTF_8))) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"drover-dev\"");
            Http.json(res, Status.UNAUTHORIZED_401, Map.of("error", "invalid_client"));
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            Http.json(res, Status.BAD_REQUEST_400, Map.of("error", "unsupported_grant_type"));
            return;
        }
        String token;
        try {
            if (form.containsKey("migrator")) {
                token = migratorToken(form.get("migrator"));
            } else {
                Optional<Role> role = Role.fromWire(form.getOrDefault("role", ""));
                if (role.isEmpty()) {
                    throw new IllegalArgumentException("role must be viewer, operator or admin (or give migrator=APP)");
                }
                String user = form.getOrDefault("user", "dev-" + role.get().wire());
                if (user.isBlank() || user.length() > 100) {
                    throw new IllegalArgumentException("user must be 1 to 100 characters");
                }
                token = userToken(user, role);
            }
        } catch (IllegalArgumentException e) { // InvalidInput too: a migrator name that is no slug
            Http.json(res, Status.BAD_REQUEST_400, Map.of("error", "invalid_request", "error_description", e.getMessage()));
            return;
        }
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Http.json(res, Map.of("access_token", token, "token_type", "Bearer", "expires_in", LIFETIME.toSeconds()));
    }

    /** The code's grant, when client, redirect URI and verifier are the ones it was issued for; else invalid_grant. */
    private void redeemCode(Map<String, String> form, ServerResponse res) {
        String client = form.getOrDefault("client_id", "");
        if (!client.equals(CONSOLE_CLIENT)) {
            Http.json(res, Status.UNAUTHORIZED_401, Map.of("error", "invalid_client",
                                                           "error_description", "the authorization code grant is for client " + CONSOLE_CLIENT));
            return;
        }
        String verifier = form.getOrDefault("code_verifier", "");
        if (form.getOrDefault("code", "").isEmpty() || form.getOrDefault("redirect_uri", "").isEmpty() || verifier.isEmpty()) {
            Http.json(res, Status.BAD_REQUEST_400, Map.of("error", "invalid_request",
                                                          "error_description", "code, redirect_uri and code_verifier are required"));
            return;
        }
        Optional<AuthorizationCodes.Grant> redeemed = codes.redeem(form.get("code"));
        String refusal = redeemed.map(grant -> !grant.clientId().equals(client) ? "the code was issued to another client"
                                         : !grant.redirectUri().equals(form.get("redirect_uri")) ? "redirect_uri is not the one the code was issued for"
                                         : !AuthorizationCodes.verifies(verifier, grant.challenge()) ? "code_verifier does not match the code_challenge"
                                         : "")
                .orElse("the code is unknown, expired or used already");
        if (!refusal.isEmpty()) {
            Http.json(res, Status.BAD_REQUEST_400, Map.of("error", "invalid_grant", "error_description", refusal));
            return;
        }
        AuthorizationCodes.Grant grant = redeemed.get();
        JWTClaimsSet.Builder id = base(grant.user()).audience(grant.clientId()).claim("preferred_username", grant.user());
        grant.nonce().ifPresent(nonce -> id.claim("nonce", nonce));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Http.json(res, Map.of("access_token", userToken(grant.user(), grant.role()), "token_type", "Bearer",
                              "expires_in", LIFETIME.toSeconds(), "id_token", sign(id.build()), "scope", "openid profile"));
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameValue = pair.split("=", 2);
            try {
                form.put(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                         nameValue.length == 2 ? URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8) : "");
            } catch (IllegalArgumentException ignored) {
                // a malformed pair names nothing
            }
        }
        return form;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }
}
