package dev.drover.migrators.pgrotation;

import java.util.Optional;

/**
 * Where a service reads its credential: keys {@code username} and {@code password}. The destination is the only
 * place the password is ever written (besides PostgreSQL's verifier), and what it names is the service's current
 * credential: every step reads it, so it is also the rotation's memory between steps.
 */
public interface SecretDestination {
    String USERNAME = "username";
    String PASSWORD = "password";

    /** The login role the service's secret names now; empty when it has none yet. */
    Optional<String> publishedRole(Target target) throws Exception;

    /** Replaces the secret's username and password at once (a reader sees the old pair or the new, never a mix). */
    void publish(Target target, String role, char[] password) throws Exception;

    /** For messages and dry-runs: which secret, never its content. */
    String describe(Target target);
}
