package dev.drover.core.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.drover.contract.signing.ProofRefused;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whose a verified token is: a person (name and highest role, wherever the roles claim is) or a migrator app (the
 * migrator issuer's subject under the prefix), against two OIDC issuers (discovery, JWKS) on loopback.
 */
class TokenVerifierTest {
    private static final LoopbackIssuer ISSUERS = new LoopbackIssuer("people", "cluster");
    private static final URI PEOPLE = ISSUERS.issuer("people");
    private static final URI CLUSTER = ISSUERS.issuer("cluster");
    private static final String PREFIX = "system:serviceaccount:drover:";
    private static final AuthSettings SETTINGS = new AuthSettings(PEOPLE, "drover", "realm_access.roles",
                                                                  Map.of("platform-team", Role.ADMIN, "sre", Role.OPERATOR),
                                                                  "preferred_username", CLUSTER, "drover-migrators", PREFIX,
                                                                  Optional.empty());
    private final TokenVerifier verifier = new TokenVerifier(SETTINGS);

    @AfterAll
    static void stop() {
        ISSUERS.close();
    }

    private static JWTClaimsSet.Builder claims(URI issuer, String subject, String audience) {
        return LoopbackIssuer.claims(issuer, subject, audience);
    }

    private static String sign(JWTClaimsSet claims) {
        return ISSUERS.sign(claims);
    }

    private static JWTClaimsSet.Builder person(String subject) {
        return claims(PEOPLE, subject, "drover");
    }

    private static JWTClaimsSet.Builder roles(JWTClaimsSet.Builder claims, Object roles) {
        return claims.claim("realm_access", Map.of("roles", roles));
    }

    private String refusal(String token) {
        return assertThrows(ProofRefused.class, () -> verifier.verify(token)).getMessage();
    }

    @Test
    void aVerifiedTokenIsRememberedForAMinuteAtMostAndNeverPastItsExpiry() {
        Principal ann = new Principal.User("ann", Optional.of(Role.VIEWER));
        java.time.Instant now = java.time.Instant.parse("2026-12-02T10:00:00Z");
        assertEquals(java.time.Duration.ofSeconds(60), TokenVerifier.Verified.of(ann, now.plusSeconds(3600), now).lifetime());
        assertEquals(java.time.Duration.ofSeconds(20), TokenVerifier.Verified.of(ann, now.plusSeconds(20), now).lifetime());
        // Nimbus accepts a token up to 60 s past its expiry (clock skew): such a token is checked again on every request.
        assertEquals(java.time.Duration.ZERO, TokenVerifier.Verified.of(ann, now.minusSeconds(5), now).lifetime());
    }

    @Test
    void aRememberedVerificationServesThatExactTokenAloneNotAnotherPayloadUnderItsSignature() throws Exception {
        String token = sign(roles(person("u-7").claim("preferred_username", "eve"), List.of("viewer")).build());
        assertEquals(new Principal.User("eve", Optional.of(Role.VIEWER)), verifier.verify(token));
        assertEquals(new Principal.User("eve", Optional.of(Role.VIEWER)), verifier.verify(token), "the same token again");
        // The remembered token's header and signature around another payload (eve made an admin): were the cache keyed
        // by the signature, this would pass as eve's remembered verification.
        String[] parts = token.split("\\.");
        String forgedPayload = roles(person("u-7").claim("preferred_username", "eve"), List.of("admin")).build().toPayload()
                .toBase64URL().toString();
        String forged = parts[0] + "." + forgedPayload + "." + parts[2];
        assertTrue(refusal(forged).contains("signature") || refusal(forged).contains("rejected"), refusal(forged));
    }

    @Test
    void aPersonIsNamedByTheUserClaimAndGetsTheHighestRoleTheRolesClaimGrants() throws Exception {
        assertEquals(new Principal.User("ann", Optional.of(Role.ADMIN)), verifier.verify(sign(
                roles(person("u-1").claim("preferred_username", "ann"), List.of("viewer", "admin", "operator")).build())));
        assertEquals(new Principal.User("bob", Optional.of(Role.OPERATOR)), verifier.verify(sign(
                roles(person("u-2").claim("preferred_username", "bob"), "viewer, operator").build())));
        assertEquals(new Principal.User("u-3", Optional.of(Role.VIEWER)), verifier.verify(sign(
                roles(person("u-3").claim("preferred_username", " "), List.of("viewer", "nonsense")).build())));
        assertEquals(new Principal.User("u-4", Optional.empty()), verifier.verify(sign(person("u-4").build())));
        assertEquals(new Principal.User("u-5", Optional.empty()), verifier.verify(sign(
                person("u-5").claim("realm_access", "not-a-map").claim("roles", List.of("admin")).build())));
    }

    @Test
    void theRoleMapGrantsRolesToClaimValuesOfTheOrganisation() throws Exception {
        assertEquals(Optional.of(Role.OPERATOR), ((Principal.User) verifier.verify(sign(
                roles(person("u-1"), List.of("sre", "viewer")).build()))).role());
        assertEquals(Optional.of(Role.ADMIN), ((Principal.User) verifier.verify(sign(
                roles(person("u-1"), List.of("sre", "platform-team")).build()))).role());
    }

    @Test
    void aPersonsNameIsPrintableAndAtMost200Characters() throws Exception {
        Principal.User user = (Principal.User) verifier.verify(sign(person("u-1").claim("preferred_username", "ann\n\u0007x").build()));
        assertEquals("annx", user.name());
        Principal.User longName = (Principal.User) verifier.verify(sign(person("u-1").claim("preferred_username", "n".repeat(300)).build()));
        assertEquals("n".repeat(200), longName.name());
    }

    @Test
    void theMigratorIssuersSubjectUnderThePrefixNamesAMigratorApp() throws Exception {
        assertEquals(new Principal.Migrator("app-chart-migrator"),
                     verifier.verify(sign(claims(CLUSTER, PREFIX + "app-chart-migrator", "drover-migrators").build())));
        assertTrue(refusal(sign(claims(CLUSTER, PREFIX + "Not_A_Slug", "drover-migrators").build())).contains("names no app id"));
        assertTrue(refusal(sign(claims(CLUSTER, PREFIX + "a".repeat(101), "drover-migrators").build())).contains("names no app id"));
        assertEquals(new Principal.Migrator("a".repeat(100)),
                     verifier.verify(sign(claims(CLUSTER, PREFIX + "a".repeat(100), "drover-migrators").build())));
    }

    @Test
    void aTokenIsAPersonsOnlyFromThePeoplesIssuerForTheirAudience() throws Exception {
        // The cluster's issuer vouches for its ServiceAccounts, not for people: a subject outside the prefix is nobody.
        assertTrue(refusal(sign(claims(CLUSTER, "system:serviceaccount:other:app", "drover-migrators").build()))
                           .startsWith("the token is neither an operator's"));
        // The people's issuer does not name migrators, whatever the subject.
        assertEquals(new Principal.User(PREFIX + "app", Optional.empty()),
                     verifier.verify(sign(claims(PEOPLE, PREFIX + "app", "drover").build())));
    }

    @Test
    void oneIssuerForBothKeepsEachAudienceToItsKind() throws Exception {
        TokenVerifier shared = new TokenVerifier(new AuthSettings(PEOPLE, "drover", "roles", Map.of(), "preferred_username", PEOPLE,
                                                                  "drover-migrators", PREFIX, Optional.empty()));
        assertEquals(new Principal.Migrator("app"), shared.verify(sign(claims(PEOPLE, PREFIX + "app", "drover-migrators").build())));
        String migratorForPeople = assertThrows(ProofRefused.class,
                                                () -> shared.verify(sign(claims(PEOPLE, PREFIX + "app", "drover").build()))).getMessage();
        assertEquals("a migrator's token must be for audience 'drover-migrators'", migratorForPeople);
        String personForMigrators = assertThrows(ProofRefused.class,
                                                 () -> shared.verify(sign(claims(PEOPLE, "ann", "drover-migrators").build()))).getMessage();
        assertTrue(personForMigrators.startsWith("the token is neither an operator's"), personForMigrators);
    }

    @Test
    void keysFetchedAheadServeTheFirstTokensWithoutAskingTheIssuersAgain() throws Exception {
        try (LoopbackIssuer issuers = new LoopbackIssuer("people", "cluster")) {
            URI people = issuers.issuer("people");
            TokenVerifier ahead = new TokenVerifier(new AuthSettings(people, "drover", "roles", Map.of(), "preferred_username",
                                                                     issuers.issuer("cluster"), "drover", PREFIX, Optional.empty()));
            ahead.fetchKeys(true, true);
            assertEquals(1, issuers.keyRequests("people"), "the people's issuer was asked for its keys before any token");
            assertEquals(1, issuers.keyRequests("cluster"), "and so was the migrators'");
            assertEquals(new Principal.User("ann", Optional.of(Role.OPERATOR)),
                         ahead.verify(issuers.person(people, "ann", List.of("operator"))));
            assertEquals(1, issuers.keyRequests("people"), "the first token was verified with the keys fetched ahead");
        }
    }

    @Test
    void anIssuerThatCannotBeAskedAheadIsAskedByTheFirstTokenWhoseRefusalSaysWhy() {
        TokenVerifier ahead = new TokenVerifier(AuthSettings.of(URI.create("http://127.0.0.1:1/nowhere"), Optional.empty()));
        ahead.fetchKeys(true, true); // best effort: nothing thrown
        String refusal = assertThrows(ProofRefused.class, () -> ahead.verify(ISSUERS.sign(
                claims(URI.create("http://127.0.0.1:1/nowhere"), "ann", "drover").build()))).getMessage();
        assertTrue(refusal.startsWith("the keys of issuer 'http://127.0.0.1:1/nowhere' cannot be fetched now"), refusal);
    }

    @Test
    void aTokenThatIsNoJwtOrFromAnUntrustedIssuerIsRefusedWithoutAskingAnyone() throws Exception {
        assertEquals("the token is not a signed JWT", refusal("not-a-jwt"));
        assertEquals("the token is longer than 16384 characters", refusal("a".repeat(16 * 1024 + 1)));
        assertEquals("tokens of issuer 'https://evil.example' are not trusted here",
                     refusal(sign(claims(URI.create("https://evil.example"), "ann", "drover").build())));
        assertEquals("tokens of issuer 'null' are not trusted here",
                     refusal(sign(new JWTClaimsSet.Builder().subject("ann").audience("drover").build())));
    }
}
