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
import dev.drover.core.model.Check;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
 */
public final class DevIssuer implements AutoCloseable {
    public static final String AUDIENCE = "drover";
    public static final String MIGRATOR_PREFIX = "system:serviceaccount:drover:";
    public static final Duration LIFETIME = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RSAKey key;
    private final String clientId = "drover-dev";
    private final String clientSecret;
    private WebServer server;
    private URI issuer;

    private DevIssuer() {
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
        DevIssuer issuer = new DevIssuer();
        issuer.server = WebServer.builder()
                .host(host)
                .port(port)
                .featuresDiscoverServices(false)
                .routing(routing -> routing
                        .get("/.well-known/openid-configuration", issuer::discovery)
                        .get("/jwks", issuer::jwks)
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
        document.put("grant_types_supported", List.of("client_credentials"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        document.put("response_types_supported", List.of("token"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        Http.json(res, document);
    }

    private void jwks(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
        res.send(new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 6749 section 4.4 with client_secret_basic or client_secret_post; errors as section 5.2 says. */
    private void tokenEndpoint(ServerRequest req, ServerResponse res) {
        Map<String, String> form = form(req.content().hasEntity() ? req.content().as(String.class) : "");
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
