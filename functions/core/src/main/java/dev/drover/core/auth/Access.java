package dev.drover.core.auth;

import java.util.Optional;

/**
 * What a route requires of its caller; every route declares one (see docs/adr/0007-security.md). Each says which
 * people's tokens it accepts (the least role) and whether a migrator's: {@link PlatformAuthenticator} admits callers by
 * that, and fetches ahead the keys of the issuers it needs.
 */
public enum Access {
    /** A person with the viewer role or more. */
    VIEW(Role.VIEWER, false),
    /**
     * A person with the viewer role or more, by a bearer token or, from a browser, the same token in the
     * {@code drover_session} cookie (see {@link SessionCredential}): the console's pages. What the person may do
     * beyond reading, the API decides when the console calls it with that token.
     */
    SESSION(Role.VIEWER, false),
    /** A viewer, or a migrator app; the function limits a migrator to the migrations it owns. */
    VIEW_OR_MIGRATOR(Role.VIEWER, true),
    /** A person with the operator role or more. */
    OPERATE(Role.OPERATOR, false),
    /** A person with the admin role. */
    ADMIN(Role.ADMIN, false),
    /** A migrator app (the function checks it owns the migration or the run), or an admin. */
    MIGRATOR(Role.ADMIN, true),
    /** Any proven person with a role, or any migrator app. */
    AUTHENTICATED(Role.VIEWER, true),
    /** The Dapr sidecar, by Dapr's app API token: every subscription. */
    SIDECAR(null, false),
    /** The request proves itself by its content, and the function checks that proof before anything else. */
    CONTENT(null, false);

    private final Role personRole;
    private final boolean migrators;

    Access(Role personRole, boolean migrators) {
        this.personRole = personRole;
        this.migrators = migrators;
    }

    /** The least role a person needs here; empty when no person's token is accepted. */
    public Optional<Role> personRole() {
        return Optional.ofNullable(personRole);
    }

    /** Whether a migrator app's token is accepted here. */
    public boolean acceptsMigrators() {
        return migrators;
    }
}
