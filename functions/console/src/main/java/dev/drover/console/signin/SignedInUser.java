package dev.drover.console.signin;

import dev.drover.core.auth.Principal;
import dev.drover.contract.signing.ProofRefused;
import dev.drover.core.auth.Role;
import dev.drover.core.auth.TokenVerifier;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Who the console is showing pages to, for its header and for which actions it offers: the name and role of the
 * request's token, read by the platform's own {@link TokenVerifier} (the same issuer, audience, roles claim and role
 * map as the API). The API still decides every action; hiding a button only spares the person a 403.
 *
 * @param name  the person's name, as the audit log records it
 * @param role  the highest Drover role the token grants; empty: signed in, but Drover gives them nothing
 * @param token the access token, for the console's calls to the API on the person's behalf
 */
public record SignedInUser(String name, Optional<Role> role, String token) {
    /**
     * The request's person: empty without a token; {@link ProofRefused} for a token that proves nothing (expired,
     * another issuer's, a migrator's) or, {@link ProofRefused#unavailable()}, when the issuer's keys cannot be fetched.
     */
    public static Optional<SignedInUser> of(ServerRequest req, TokenVerifier tokens) throws ProofRefused {
        Optional<String> token = SessionCookie.token(req);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(of(token.get(), tokens));
    }

    static SignedInUser of(String token, TokenVerifier tokens) throws ProofRefused {
        if (!(tokens.verify(token) instanceof Principal.User user)) {
            throw new ProofRefused("the console is for people: this is a migrator app's token", false);
        }
        return new SignedInUser(user.name(), user.role(), token);
    }

    /** Whether to offer what needs {@code needed} (operator: start, cancel, retry, dry-run; admin: audit, ownership). */
    public boolean may(Role needed) {
        return role.map(r -> r.includes(needed)).orElse(false);
    }

    /** What the header shows beside the name. */
    public String roleLabel() {
        return role.map(Role::wire).orElse("no Drover role");
    }

    /** Without the token: a record's toString ends up in logs. */
    @Override
    public String toString() {
        return "SignedInUser[name=" + name + ", role=" + roleLabel() + "]";
    }
}
