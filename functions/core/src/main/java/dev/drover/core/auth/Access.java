package dev.drover.core.auth;

/** What a route requires of its caller; every route declares one (see docs/adr/0007-security.md). */
public enum Access {
    /** A person with the viewer role or more. */
    VIEW,
    /**
     * A person with the viewer role or more, by a bearer token or, from a browser, the same token in the
     * {@code drover_session} cookie (see {@link SessionCredential}): the console's pages. What the person may do
     * beyond reading, the API decides when the console calls it with that token.
     */
    SESSION,
    /** A viewer, or a migrator app; the function limits a migrator to the migrations it owns. */
    VIEW_OR_MIGRATOR,
    /** A person with the operator role or more. */
    OPERATE,
    /** A person with the admin role. */
    ADMIN,
    /** A migrator app (the function checks it owns the migration or the run), or an admin. */
    MIGRATOR,
    /** Any proven person with a role, or any migrator app. */
    AUTHENTICATED,
    /** The Dapr sidecar, by Dapr's app API token: every subscription. */
    SIDECAR,
    /** The request proves itself by its content, and the function checks that proof before anything else. */
    CONTENT
}
