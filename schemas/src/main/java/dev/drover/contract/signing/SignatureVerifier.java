package dev.drover.contract.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.drover.contract.signing.ProofRefused;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/** Checks the platform's signatures (see {@link Signatures}) against its public keys. */
public final class SignatureVerifier {

    private final JWKSource<SecurityContext> keys;
    private final Es256Verifiers verifiers;

    private SignatureVerifier(JWKSource<SecurityContext> keys, Es256Verifiers verifiers) {
        this.keys = keys;
        this.verifiers = verifiers;
    }

    /** With the platform's own keys (the functions that check what the worker signed). */
    public static SignatureVerifier of(SigningKeys keys) {
        return of(keys, new Es256Verifiers());
    }

    static SignatureVerifier of(SigningKeys keys, Es256Verifiers verifiers) {
        return new SignatureVerifier(new ImmutableJWKSet<>(keys.publicKeys()), verifiers);
    }

    /**
     * With the keys the platform serves at {@code keysUrl} ({@code GET /platform/keys}), fetched with the caller's
     * bearer token, cached, and fetched again when a signature names a key not seen yet (a rotation).
     */
    public static SignatureVerifier remote(URI keysUrl, Supplier<String> bearerToken) {
        URL url;
        try {
            url = keysUrl.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the platform's keys URL " + keysUrl + " is not a URL");
        }
        return new SignatureVerifier(JWKSourceBuilder.create(url, new BearerRetriever(bearerToken)).retrying(true).build(),
                                     new Es256Verifiers());
    }

    /** Checks a step event's signature: by the platform, for this migrator, of exactly this event. */
    public void verifyEvent(String jws, String migratorApp, String eventId, String type, byte[] data) throws ProofRefused {
        if (jws == null || jws.isBlank()) {
            throw new ProofRefused("the step event carries no platform signature (CloudEvent extension "
                                      + Signatures.EVENT_EXTENSION + ")", false);
        }
        JWTClaimsSet claims = process(jws, Signatures.EVENT_TYPE, migratorApp);
        String digest;
        try {
            digest = Signatures.dataDigest(data);
        } catch (IllegalArgumentException e) {
            throw new ProofRefused("the step event's data is not JSON", false);
        }
        if (!eventId.equals(claims.getSubject()) || !type.equals(claim(claims, "cetype"))
                || !equal(digest, claim(claims, "data_sha256"))) {
            throw new ProofRefused("the platform's signature is not of this event (id, type or data differ)", false);
        }
    }

    /** Checks a request's signature: by the platform, for this migrator, of exactly this method, path and body. */
    public void verifyRequest(String jws, String migratorApp, String method, String path, byte[] body) throws ProofRefused {
        JWTClaimsSet claims = process(jws, Signatures.REQUEST_TYPE, migratorApp);
        if (!method.equals(claim(claims, "htm")) || !path.equals(claim(claims, "htu"))
                || !equal(Signatures.digest(body), claim(claims, "body_sha256"))) {
            throw new ProofRefused("the platform's signature is not of this request (method, path or body differ)", false);
        }
    }

    private JWTClaimsSet process(String jws, JOSEObjectType type, String audience) throws ProofRefused {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(type));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        processor.setJWSVerifierFactory(verifiers);
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
                                                                         new JWTClaimsSet.Builder().issuer(Signatures.ISSUER).build(),
                                                                         Set.of("sub", "exp", "iat")));
        try {
            return processor.process(jws, null);
        } catch (ParseException e) {
            throw new ProofRefused("the platform signature is not a JWS", false);
        } catch (BadJOSEException e) {
            throw new ProofRefused("the platform signature is not valid: " + e.getMessage(), false);
        } catch (KeySourceException e) {
            throw new ProofRefused("the platform's keys cannot be fetched now: " + e.getMessage(), true);
        } catch (JOSEException e) {
            throw new ProofRefused("the platform signature cannot be verified: " + e.getMessage(), false);
        }
    }

    private static String claim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String s ? s : "";
    }

    private static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Fetches the key set with a bearer token: the platform serves nothing to anonymous callers. */
    private record BearerRetriever(Supplier<String> token) implements ResourceRetriever {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(url.toURI()).timeout(Duration.ofSeconds(5))
                                                                .header("Authorization", "Bearer " + token.get()).build(),
                                                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IOException(url + " answered " + answer.statusCode());
                }
                return new Resource(answer.body(), answer.headers().firstValue("Content-Type").orElse("application/json"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
        }
    }

}
