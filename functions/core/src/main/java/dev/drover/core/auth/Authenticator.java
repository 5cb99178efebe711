package dev.drover.core.auth;

import io.helidon.webserver.http.ServerRequest;

import java.util.Collection;

/**
 * Proves who a request comes from and whether it may use a route. The platform's functions verify
 * bearer tokens and Dapr's app token; a migrator verifies the platform's signatures.
 */
public interface Authenticator {
    /**
     * @return the caller, allowed to use a route that requires {@code access}
     * @throws dev.drover.core.http.ApiException 401 when no valid credential came, 403 when the caller may not
     *                                           use the route, 503 when the credential cannot be checked now
     */
    Principal authenticate(ServerRequest req, Access access);

    /**
     * Fetches ahead, best effort, what verifying the callers of routes requiring {@code accesses} needs (their
     * issuers' keys), so that a cold function's first caller does not wait for it. Nothing, by default.
     */
    default void fetchKeys(Collection<Access> accesses) {
    }
}
