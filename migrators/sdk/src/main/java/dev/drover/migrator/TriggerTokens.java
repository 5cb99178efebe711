package dev.drover.migrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.drover.core.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Verifies a discovery trigger's OIDC token: with Knative Eventing's {@code authentication-oidc} feature a
 * PingSource sends its ServiceAccount's token for the sink's audience. Signature by the issuer's JWKS (found by
 * OIDC discovery on first use, so the migrator starts even while the issuer is unreachable), exact issuer,
 * audience, expiry.
 */
final class TriggerTokens {
    /** Why a token proves nothing; {@code unavailable} when the issuer's keys cannot be fetched now. */
    static final class Refused extends Exception {
        private final boolean unavailable;

        Refused(String message, boolean unavailable) {
            super(message);
            this.unavailable = unavailable;
        }

        boolean unavailable() {
            return unavailable;
        }
    }

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                                                               JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
                                                               JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final MigratorSettings.Trigger trigger;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    TriggerTokens(MigratorSettings.Trigger trigger) {
        this.trigger = trigger;
        // Kubernetes ServiceAccount tokens have no typ; other IdPs say JWT or at+jwt (RFC 9068).
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new DiscoveredKeys(trigger.issuer())));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(trigger.audience(),
                                                                         new JWTClaimsSet.Builder().issuer(trigger.issuer().toString()).build(),
                                                                         Set.of("sub", "exp")));
    }

    /** The token's subject, once it is proven to be the trigger issuer's for the trigger audience. */
    String verify(String token) throws Refused {
        try {
            return processor.process(token, null).getSubject();
        } catch (ParseException e) {
            throw new Refused("the token is not a signed JWT", false);
        } catch (BadJOSEException e) {
            throw new Refused("the token is not a valid trigger token of " + trigger.issuer() + " for audience '"
                                      + trigger.audience() + "': " + e.getMessage(), false);
        } catch (KeySourceException e) {
            throw new Refused("the keys of " + trigger.issuer() + " cannot be fetched now: " + e.getMessage(), true);
        } catch (JOSEException e) {
            throw new Refused("the token cannot be verified: " + e.getMessage(), false);
        }
    }

    /** The issuer's JWKS, named by its discovery document, which must name the issuer exactly as configured. */
    private static final class DiscoveredKeys implements JWKSource<SecurityContext> {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();

        private final URI issuer;
        private volatile JWKSource<SecurityContext> keys;

        DiscoveredKeys(URI issuer) {
            this.issuer = issuer;
        }

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
            JWKSource<SecurityContext> found = keys;
            if (found == null) {
                synchronized (this) {
                    if (keys == null) {
                        try {
                            keys = JWKSourceBuilder.create(jwksUri(), new DefaultResourceRetriever(3000, 3000, 256 * 1024))
                                    .retrying(true).build();
                        } catch (IOException e) {
                            throw new KeySourceException("OIDC discovery of " + issuer + " failed: " + e.getMessage(), e);
                        }
                    }
                    found = keys;
                }
            }
            return found.get(selector, context);
        }

        private URL jwksUri() throws IOException {
            String base = issuer.toString().replaceAll("/+$", "");
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
            try {
                URI jwks = URI.create(document.path("jwks_uri").asText(""));
                if (!"https".equals(jwks.getScheme()) && !"http".equals(jwks.getScheme())) {
                    throw new IOException(configuration + " names no http(s) jwks_uri");
                }
                return jwks.toURL();
            } catch (IllegalArgumentException e) {
                throw new IOException(configuration + " names a jwks_uri that is no URL");
            }
        }
    }
}
