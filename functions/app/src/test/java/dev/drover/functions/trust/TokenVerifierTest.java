package dev.drover.functions.trust;

import dev.drover.contract.signing.ProofRefused;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Role;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.issuer.DevIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a bearer token must be to prove anything, against a real OIDC issuer (discovery, JWKS) on loopback. */
class TokenVerifierTest {
    private static final DevIssuer ISSUER = DevIssuer.start("127.0.0.1", 0);
    private final TokenVerifier verifier = new TokenVerifier(AuthSettings.of(ISSUER.issuer(), Optional.empty()));

    @AfterAll
    static void stop() {
        ISSUER.close();
    }

    private ProofRefused refused(String token) {
        return assertThrows(ProofRefused.class, () -> verifier.verify(token));
    }

    @Test
    void peopleAndMigratorsAreToldApart() throws Exception {
        assertEquals(new Principal.User("ann", Optional.of(Role.OPERATOR)), verifier.verify(ISSUER.userToken("ann", Role.OPERATOR)));
        assertEquals(new Principal.User("nobody", Optional.empty()), verifier.verify(ISSUER.userToken("nobody", Optional.empty())));
        assertEquals(new Principal.Migrator("hello-migrator"), verifier.verify(ISSUER.migratorToken("hello-migrator")));
    }

    @Test
    void expiredWrongAudienceAndMissingSubjectAreRefused() {
        Date past = new Date(System.currentTimeMillis() - 3_600_000);
        refused(ISSUER.sign(ISSUER.base("ann").expirationTime(past).claim("roles", List.of("admin")).build()));
        refused(ISSUER.sign(ISSUER.base("ann").audience("another-app").claim("roles", List.of("admin")).build()));
        refused(ISSUER.sign(new JWTClaimsSet.Builder().issuer(ISSUER.issuer().toString()).audience("drover")
                                    .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build()));
        refused(ISSUER.sign(ISSUER.base("ann").notBeforeTime(new Date(System.currentTimeMillis() + 3_600_000)).build()));
    }

    @Test
    void anotherIssuerOrAnotherKeyProvesNothing() throws Exception {
        JWTClaimsSet admin = ISSUER.base("ann").claim("roles", List.of("admin")).build();
        JWTClaimsSet elsewhere = new JWTClaimsSet.Builder(admin).issuer("https://evil.example").build();
        assertTrue(refused(ISSUER.sign(elsewhere)).getMessage().contains("not trusted"));
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("made-up").build(), admin);
        forged.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
        refused(forged.serialize());
    }

    @Test
    void noneAndHmacAreNeverAccepted() throws Exception {
        JWTClaimsSet admin = ISSUER.base("ann").claim("roles", List.of("admin")).build();
        refused(new PlainJWT(new PlainHeader(), admin).serialize());
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), admin);
        hmac.sign(new MACSigner(new byte[32]));
        refused(hmac.serialize());
        refused("a".repeat(20_000));
        refused("not.a.jwt");
    }

    @Test
    void rolesComeFromTheConfiguredClaimAndMap() throws Exception {
        AuthSettings keycloak = new AuthSettings(ISSUER.issuer(), "drover", "realm_access.roles", Map.of("platform-team", Role.ADMIN),
                                                 "preferred_username", ISSUER.issuer(), "drover", "system:serviceaccount:drover:",
                                                 Optional.empty());
        TokenVerifier mapped = new TokenVerifier(keycloak);
        String token = ISSUER.sign(ISSUER.base("u-1").claim("preferred_username", "kim")
                                           .claim("realm_access", Map.of("roles", List.of("viewer", "platform-team"))).build());
        assertEquals(new Principal.User("kim", Optional.of(Role.ADMIN)), mapped.verify(token));
        assertFalse(((Principal.User) verifier.verify(token)).role().isPresent(), "the default claim is roles");
    }

    @Test
    void aMigratorSubjectMustNameAnAppId() {
        refused(ISSUER.sign(ISSUER.base("system:serviceaccount:drover:../etc").build()));
        refused(ISSUER.sign(ISSUER.base("system:serviceaccount:drover:").build()));
    }

    @Test
    void anIssuerThatCannotBeReachedIsUnavailableNotInvalid() throws Exception {
        TokenVerifier down = new TokenVerifier(AuthSettings.of(URI.create("http://127.0.0.1:1"), Optional.empty()));
        String token = ISSUER.sign(new JWTClaimsSet.Builder(ISSUER.base("ann").build()).issuer("http://127.0.0.1:1").build());
        ProofRefused e = assertThrows(ProofRefused.class, () -> down.verify(token));
        assertTrue(e.unavailable(), e.getMessage());
    }
}
