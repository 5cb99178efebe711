package dev.drover.migrators.pgrotation;

import java.util.regex.Pattern;

/**
 * One service whose PostgreSQL credential is rotated: a row of the marking table. The group role holds the
 * service's privileges; each credential is a login role {@code <loginPrefix>_<generation>} that is a member of it.
 *
 * @param service     the candidate id (a slug)
 * @param groupRole   the role that owns the service's privileges (NOLOGIN)
 * @param loginPrefix the login roles' common name; {@code groupRole} unless the row says otherwise
 * @param team        who owns the service (candidate metadata, for rollouts by team)
 * @param database    the database the service connects to: only its sessions count as adoption; empty for any
 * @param namespace   the Kubernetes namespace of the service's Secret (publishing to Kubernetes refuses a row without
 *                    one); empty when the secrets are folders
 * @param secretName  the Secret (or the local folder) the service reads its credential from
 */
public record Target(String service, String groupRole, String loginPrefix, String team, String database, String namespace,
                     String secretName) {
    /**
     * Role names the migrator manages: plain lower-case identifiers, short enough that {@code _<generation>} fits in
     * PostgreSQL's 63 bytes. They are still always quoted in SQL.
     */
    public static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,49}");

    public Target {
        loginPrefix = loginPrefix == null || loginPrefix.isBlank() ? groupRole : loginPrefix;
        for (String[] role : new String[][] {{"group_role", groupRole}, {"login_prefix", loginPrefix}}) {
            if (role[1] == null || !ROLE.matcher(role[1]).matches()) {
                throw new IllegalArgumentException(role[0] + " of service " + service + " must be a lower-case identifier of at most "
                                                           + "50 characters ([a-z_][a-z0-9_]*), got '" + role[1] + "'");
            }
        }
        team = team == null ? "" : team;
        database = database == null ? "" : database;
        namespace = namespace == null ? "" : namespace;
        secretName = secretName == null || secretName.isBlank() ? service + "-db" : secretName;
    }

    /** The login role of one generation. */
    public String loginRole(int generation) {
        return loginPrefix + "_" + generation;
    }

    /** The generation a login role name stands for, or -1 when it is none of this target's. */
    public int generationOf(String role) {
        if (role == null || !role.startsWith(loginPrefix + "_")) {
            return -1;
        }
        String digits = role.substring(loginPrefix.length() + 1);
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit) || digits.startsWith("0")) {
            return -1;
        }
        return Integer.parseInt(digits);
    }
}
