package dev.drover.core.auth;

import java.util.Locale;
import java.util.Optional;

/** What a person may do: each role includes the ones before it. */
public enum Role {
    /** Reads migrations, candidates, runs and history. */
    VIEWER,
    /** Also starts, cancels and retries runs, edits inputs, asks for dry-runs. */
    OPERATOR,
    /** Also audits and changes who owns a migration. */
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String value) {
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
