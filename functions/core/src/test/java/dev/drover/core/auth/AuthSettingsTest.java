package dev.drover.core.auth;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthSettingsTest {
    private static final String ISSUER = "https://login.example/realms/drover";

    @Test
    void anIssuerAloneGivesTheDefaultsMigratorsIncluded() {
        AuthSettings settings = AuthSettings.fromEnvironment(Map.of("DROVER_OIDC_ISSUER", " " + ISSUER + " "));
        assertEquals(AuthSettings.of(URI.create(ISSUER), Optional.empty()), settings);
        assertEquals(new AuthSettings(URI.create(ISSUER), "drover", "roles", Map.of(), "preferred_username", URI.create(ISSUER),
                                      "drover", "system:serviceaccount:drover:", Optional.empty()), settings);
    }

    @Test
    void environmentOverridesEveryDefault() {
        AuthSettings settings = AuthSettings.fromEnvironment(Map.of(
                "DROVER_OIDC_ISSUER", ISSUER, "DROVER_OIDC_AUDIENCE", "platform", "DROVER_ROLES_CLAIM", "realm_access.roles",
                "DROVER_ROLE_MAP", "platform-team=admin, sre = operator,,readers=viewer", "DROVER_USER_CLAIM", "email",
                "DROVER_MIGRATOR_ISSUER", "https://kubernetes.default.svc", "DROVER_MIGRATOR_AUDIENCE", "drover-migrators",
                "DROVER_MIGRATOR_SUBJECT_PREFIX", "system:serviceaccount:migrators:", "APP_API_TOKEN", "dapr-secret"));
        assertEquals(new AuthSettings(URI.create(ISSUER), "platform", "realm_access.roles",
                                      Map.of("platform-team", Role.ADMIN, "sre", Role.OPERATOR, "readers", Role.VIEWER), "email",
                                      URI.create("https://kubernetes.default.svc"), "drover-migrators",
                                      "system:serviceaccount:migrators:", Optional.of("dapr-secret")), settings);
    }

    @Test
    void aBlankAppApiTokenOrMigratorIssuerCountsAsUnset() {
        AuthSettings settings = AuthSettings.fromEnvironment(Map.of("DROVER_OIDC_ISSUER", ISSUER, "APP_API_TOKEN", " ",
                                                                    "DROVER_MIGRATOR_ISSUER", " "));
        assertEquals(Optional.empty(), settings.appApiToken());
        assertEquals(URI.create(ISSUER), settings.migratorIssuer());
    }

    @Test
    void withoutAnIssuerTheFunctionsRefuseToStartAndSayWhatToSet() {
        for (Map<String, String> env : java.util.List.of(Map.<String, String>of(), Map.of("DROVER_OIDC_ISSUER", "  "))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthSettings.fromEnvironment(env));
            assertTrue(e.getMessage().startsWith("DROVER_OIDC_ISSUER is not set"), e.getMessage());
        }
    }

    @Test
    void anIssuerThatIsNotAnHttpUrlIsRefusedNamingItsVariable() {
        for (String wrong : java.util.List.of("login.example", "ftp://login.example", "https://", "http://a b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                                      () -> AuthSettings.fromEnvironment(Map.of("DROVER_OIDC_ISSUER", wrong)));
            assertEquals("DROVER_OIDC_ISSUER=" + wrong + " is not an http(s) issuer URL", e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthSettings.fromEnvironment(
                Map.of("DROVER_OIDC_ISSUER", ISSUER, "DROVER_MIGRATOR_ISSUER", "kubernetes")));
        assertEquals("DROVER_MIGRATOR_ISSUER=kubernetes is not an http(s) issuer URL", e.getMessage());
        assertEquals(URI.create("http://localhost:8090"),
                     AuthSettings.fromEnvironment(Map.of("DROVER_OIDC_ISSUER", "http://localhost:8090")).issuer());
    }

    @Test
    void roleMapEntriesThatGrantNoRoleAreAllNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthSettings.fromEnvironment(
                Map.of("DROVER_OIDC_ISSUER", ISSUER, "DROVER_ROLE_MAP", "sre=operator,=admin, devs=root ,lonely")));
        assertEquals("DROVER_ROLE_MAP entries [=admin, devs=root, lonely] are not claim-value=viewer|operator|admin", e.getMessage());
    }

    @Test
    void aClaimValueMayItselfContainAnEqualsSign() {
        assertEquals(Map.of("cn=ops", Role.OPERATOR), AuthSettings.fromEnvironment(
                Map.of("DROVER_OIDC_ISSUER", ISSUER, "DROVER_ROLE_MAP", "cn=ops=operator")).roleMap());
        assertEquals(Map.of("x", Role.ADMIN), AuthSettings.fromEnvironment(
                Map.of("DROVER_OIDC_ISSUER", ISSUER, "DROVER_ROLE_MAP", "x=admin")).roleMap(), "a one-letter claim value");
    }

    @Test
    void eachRoleIncludesTheOnesBeforeIt() {
        assertTrue(Role.ADMIN.includes(Role.OPERATOR));
        assertTrue(Role.OPERATOR.includes(Role.OPERATOR));
        assertFalse(Role.VIEWER.includes(Role.OPERATOR));
        assertEquals(Optional.of(Role.ADMIN), Role.fromWire("admin"));
        assertEquals(Optional.empty(), Role.fromWire("ADMIN"));
        assertEquals("viewer", Role.VIEWER.wire());
    }
}
