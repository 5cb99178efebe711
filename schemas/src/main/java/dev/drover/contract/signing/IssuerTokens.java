package dev.drover.contract.signing;


import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Bearer JWTs of one OIDC issuer: signature by the issuer's JWKS (found by OIDC discovery on first use, so a
 * process starts, and answers 503, while the issuer is down; refetched when a token names a key not seen yet),
 * exact issuer, an accepted audience, {@code sub} and {@code exp} present, expiry with 60 s of skew. RSA, RSA-PSS
 * and ECDSA only: {@code none} and HMAC are never accepted.
 */
public final class IssuerTokens {
    /** Longer than any real JWT; parsing more would only cost the verifier. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                                                               JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
                                                               JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);


    private final URI issuer;
    private final DiscoveredKeys keys;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public IssuerTokens(URI issuer, Set<String> audiences) {
        this.issuer = issuer;
        // Kubernetes ServiceAccount tokens have no typ; most IdPs say JWT; RFC 9068 access tokens say at+jwt.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        keys = new DiscoveredKeys(issuer);
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audiences,
                                                                         new JWTClaimsSet.Builder().issuer(issuer.toString()).build(),
                                                                         Set.of("sub", "exp"), Set.of()));
    }

    public URI issuer() {
        return issuer;
    }

    /**
     * Fetches the issuer's keys now (its discovery document, then its JWKS), as the first token to verify would, and
     * keeps them as that would: a function does it as it starts, so that its first answer does not wait for its
     * identity provider (ADR 0017).
     *
     * @throws ProofRefused when the issuer cannot be asked now; the next verification asks again
     */
    public void fetchKeys() throws ProofRefused {
        try {
            keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null);
        } catch (KeySourceException e) {
            throw new ProofRefused("the keys of issuer '" + issuer + "' cannot be fetched now: " + e.getMessage(), true);
        }
    }

    public JWTClaimsSet verify(SignedJWT jwt) throws ProofRefused {
        try {
            return processor.process(jwt, null);
        } catch (BadJOSEException e) {
            throw new ProofRefused("the token is not valid: " + e.getMessage(), false);
        } catch (KeySourceException e) {
            throw new ProofRefused("the keys of issuer '" + issuer + "' cannot be fetched now: " + e.getMessage(), true);
        } catch (JOSEException e) {
            throw new ProofRefused("the token cannot be verified: " + e.getMessage(), false);
        }
    }

    public JWTClaimsSet verify(String token) throws ProofRefused {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new ProofRefused("the token is longer than " + MAX_TOKEN_LENGTH + " characters", false);
        }
        try {
            return verify(SignedJWT.parse(token));
        } catch (java.text.ParseException e) {
            throw new ProofRefused("the token is not a signed JWT", false);
        }
    }

    /** The issuer's JWKS, discovered on first use rather than at start. */
    private static final class DiscoveredKeys implements JWKSource<SecurityContext> {
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
                            keys = JWKSourceBuilder.create(OidcDiscovery.jwksUri(issuer), new DefaultResourceRetriever(3000, 3000, 256 * 1024))
                                    .retrying(true)
                                    .build();
                        } catch (IOException e) {
                            throw new KeySourceException("OIDC discovery of " + issuer + " failed: " + e.getMessage(), e);
                        }
                    }
                    found = keys;
                }
            }
            return found.get(selector, context);
        }
    }
}
