package dev.drover.migrators.appchart;

import java.util.Optional;

/**
 * The one branch a candidate's change lives on: {@code drover/<migration>/<candidate>}. Deterministic,
 * so a re-run finds the branch and change request an earlier attempt made instead of making new ones,
 * and a merge event's branch tells which candidate it belongs to.
 */
public final class Branches {
    public static final String PREFIX = "drover/";

    private Branches() {
    }

    public static String forCandidate(String migrationId, String candidateId) {
        return PREFIX + migrationId + "/" + candidateId;
    }

    /** The migration and candidate a branch belongs to, or empty for a branch Drover did not name. */
    public static Optional<Owner> owner(String branch) {
        if (branch == null || !branch.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = branch.substring(PREFIX.length()).split("/");
        return parts.length == 2 ? Optional.of(new Owner(parts[0], parts[1])) : Optional.empty();
    }

    public record Owner(String migrationId, String candidateId) {
    }
}
