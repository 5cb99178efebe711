package dev.drover.core.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OIDC issuers on loopback: each of {@code names} answers discovery and its JWKS under {@code /<name>}, all with one
 * RSA key, and {@link #sign} makes the tokens they vouch for.
 */
public final class LoopbackIssuer implements AutoCloseable {
    private final RSAKey key;
    private final HttpServer server;
    private final Map<String, AtomicInteger> keyRequests = new ConcurrentHashMap<>();

    public LoopbackIssuer(String... names) {
        try {
            key = new RSAKeyGenerator(2048).keyID("k1").generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (String name : names) {
            server.createContext("/" + name + "/.well-known/openid-configuration", exchange -> {
                String base = issuer(name).toString();
                answer(exchange, "{\"issuer\":\"" + base + "\",\"jwks_uri\":\"" + base + "/jwks\"}");
            });
            keyRequests.put(name, new AtomicInteger());
            server.createContext("/" + name + "/jwks", exchange -> {
                keyRequests.get(name).incrementAndGet();
                answer(exchange, new JWKSet(key.toPublicJWK()).toString());
            });
        }
        server.start();
    }

    public URI issuer(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name);
    }

    /** How many times the issuer {@code name}'s JWKS was asked for. */
    public int keyRequests(String name) {
        return keyRequests.get(name).get();
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** Claims of a token from {@code issuer} for {@code subject} and {@code audience}, valid for ten minutes. */
    public static JWTClaimsSet.Builder claims(URI issuer, String subject, String audience) {
        return new JWTClaimsSet.Builder().issuer(issuer.toString()).subject(subject).audience(audience)
                .expirationTime(new Date(System.currentTimeMillis() + 600_000));
    }

    /** A person's token from {@code issuer} (audience drover) with the given roles in the claim "roles". */
    public String person(URI issuer, String name, List<String> roles) {
        return sign(claims(issuer, name, "drover").claim("roles", roles).build());
    }

    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(),
                                          claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


    @Override
    public void close() {
        server.stop(0);
    }
}
