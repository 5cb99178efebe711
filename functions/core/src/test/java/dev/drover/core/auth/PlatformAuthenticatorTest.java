package dev.drover.core.auth;

import dev.drover.core.http.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which callers a route's access admits, and which identity providers a process asks for keys as it starts: those of
 * the callers its routes admit, no other (ADR 0017).
 */
class PlatformAuthenticatorTest {
    private static final String PREFIX = "system:serviceaccount:drover:";

    /** Keys asked of the people's issuer and of the migrators' when a process serves routes requiring {@code accesses}. */
    private static List<Integer> keysAskedFor(List<Access> accesses) {
        try (LoopbackIssuer issuers = new LoopbackIssuer("people", "cluster")) {
            AuthSettings settings = new AuthSettings(issuers.issuer("people"), "drover", "roles", Map.of(), "preferred_username",
                                                     issuers.issuer("cluster"), "drover-migrators", PREFIX, Optional.empty());
            new PlatformAuthenticator(settings, new TokenVerifier(settings)).fetchKeys(accesses);
            return List.of(issuers.keyRequests("people"), issuers.keyRequests("cluster"));
        }
    }

    @Test
    void aProcessAsksTheIssuersOfTheCallersItsRoutesAdmitAndNoOther() {
        assertEquals(List.of(0, 0), keysAskedFor(List.of(Access.SIDECAR)), "subscriptions: only the Dapr sidecar calls");
        assertEquals(List.of(0, 0), keysAskedFor(List.of(Access.SIDECAR, Access.CONTENT)), "no token is verified there");
        assertEquals(List.of(1, 0), keysAskedFor(List.of(Access.VIEW, Access.OPERATE)), "people alone");
        assertEquals(List.of(1, 0), keysAskedFor(List.of(Access.SESSION)), "the console's people");
        assertEquals(List.of(1, 1), keysAskedFor(List.of(Access.VIEW_OR_MIGRATOR)), "people and migrators");
        assertEquals(List.of(1, 1), keysAskedFor(List.of(Access.SIDECAR, Access.MIGRATOR)), "migrators, and admins acting for one");
        assertEquals(List.of(0, 0), keysAskedFor(List.of()), "no function");
    }

    @Test
    void eachAccessAdmitsThePeopleOfItsRoleAndMigratorsWhereItSays() {
        Principal viewer = new Principal.User("vera", Optional.of(Role.VIEWER));
        Principal operator = new Principal.User("otto", Optional.of(Role.OPERATOR));
        Principal admin = new Principal.User("ada", Optional.of(Role.ADMIN));
        Principal roleless = new Principal.User("nobody", Optional.empty());
        Principal migrator = new Principal.Migrator("app");
        Map<Access, List<Principal>> admitted = Map.of(
                Access.VIEW, List.of(viewer, operator, admin),
                Access.SESSION, List.of(viewer, operator, admin),
                Access.VIEW_OR_MIGRATOR, List.of(viewer, operator, admin, migrator),
                Access.OPERATE, List.of(operator, admin),
                Access.ADMIN, List.of(admin),
                Access.MIGRATOR, List.of(admin, migrator),
                Access.AUTHENTICATED, List.of(viewer, operator, admin, migrator),
                Access.SIDECAR, List.of(new Principal.Sidecar()),
                Access.CONTENT, List.of(new Principal.Bearer()));
        assertEquals(Access.values().length, admitted.size(), "every access is listed");
        List<Principal> everyone = List.of(viewer, operator, admin, roleless, migrator, new Principal.Sidecar(), new Principal.Bearer());
        admitted.forEach((access, allowed) -> {
            for (Principal principal : everyone) {
                if (allowed.contains(principal)) {
                    assertEquals(principal, PlatformAuthenticator.allow(principal, access), access + " admits " + principal);
                } else {
                    ApiException refused = assertThrows(ApiException.class, () -> PlatformAuthenticator.allow(principal, access),
                                                        access + " refuses " + principal);
                    assertEquals(403, refused.status().code(), access + " refuses " + principal);
                }
            }
        });
    }
}
