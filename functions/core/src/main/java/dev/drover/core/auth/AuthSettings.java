package dev.drover.core.auth;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the platform's functions prove their callers, read from the environment.
 *
 * @param issuer             the operators' OIDC issuer ({@code DROVER_OIDC_ISSUER}, required): its discovery document
 *                           names the JWKS that signs their tokens
 * @param audience           the audience operators' tokens must carry ({@code DROVER_OIDC_AUDIENCE}, default "drover")
 * @param rolesClaim         where roles are in a token ({@code DROVER_ROLES_CLAIM}, a dotted path, default "roles";
 *                           e.g. "groups" or Keycloak's "realm_access.roles")
 * @param roleMap            claim values that grant a role besides "viewer", "operator" and "admin"
 *                           ({@code DROVER_ROLE_MAP}, e.g. "platform-team=admin,sre=operator")
 * @param userClaim          the claim that names a person ({@code DROVER_USER_CLAIM}, default "preferred_username";
 *                           "sub" when absent)
 * @param migratorIssuer     the issuer of migrators' identities ({@code DROVER_MIGRATOR_ISSUER}, default the operators'
 *                           issuer; in a cluster, the Kubernetes API server's ServiceAccount issuer)
 * @param migratorAudience   the audience migrators' tokens must carry ({@code DROVER_MIGRATOR_AUDIENCE}, default "drover")
 * @param migratorPrefix     the subject prefix that makes a token a migrator's; the rest of the subject is its app id
 *                           ({@code DROVER_MIGRATOR_SUBJECT_PREFIX}, default "system:serviceaccount:drover:", a
 *                           ServiceAccount of namespace drover)
 * @param appApiToken        Dapr's app API token ({@code APP_API_TOKEN}): the sidecar proves itself with it on every
 *                           subscription; without it no subscription accepts anything
 */
public record AuthSettings(URI issuer, String audience, String rolesClaim, Map<String, Role> roleMap, String userClaim,
                           URI migratorIssuer, String migratorAudience, String migratorPrefix,
                           Optional<String> appApiToken) {
    public AuthSettings {
        roleMap = Map.copyOf(roleMap);
    }

    public static AuthSettings fromEnvironment(Map<String, String> env) {
        String issuer = env.get("DROVER_OIDC_ISSUER");
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("DROVER_OIDC_ISSUER is not set: name the OIDC issuer whose tokens operators "
                    + "and migrators present (its /.well-known/openid-configuration must be reachable)");
        }
        URI operators = issuer(issuer.trim(), "DROVER_OIDC_ISSUER");
        String migrators = env.getOrDefault("DROVER_MIGRATOR_ISSUER", "");
        return new AuthSettings(operators,
                                env.getOrDefault("DROVER_OIDC_AUDIENCE", "drover"),
                                env.getOrDefault("DROVER_ROLES_CLAIM", "roles"),
                                roleMap(env.getOrDefault("DROVER_ROLE_MAP", "")),
                                env.getOrDefault("DROVER_USER_CLAIM", "preferred_username"),
                                migrators.isBlank() ? operators : issuer(migrators.trim(), "DROVER_MIGRATOR_ISSUER"),
                                env.getOrDefault("DROVER_MIGRATOR_AUDIENCE", "drover"),
                                env.getOrDefault("DROVER_MIGRATOR_SUBJECT_PREFIX", "system:serviceaccount:drover:"),
                                Optional.ofNullable(env.get("APP_API_TOKEN")).filter(t -> !t.isBlank()));
    }

    /** One issuer for people and migrators (the local stack's), default claims. */
    public static AuthSettings of(URI issuer, Optional<String> appApiToken) {
        return new AuthSettings(issuer, "drover", "roles", Map.of(), "preferred_username", issuer, "drover",
                                "system:serviceaccount:drover:", appApiToken);
    }

    private static URI issuer(String value, String name) {
        try {
            URI uri = URI.create(value);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException ignored) {
            // answered below
        }
        throw new IllegalArgumentException(name + "=" + value + " is not an http(s) issuer URL");
    }

    private static Map<String, Role> roleMap(String value) {
        Map<String, Role> map = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            Optional<Role> role = eq < 1 ? Optional.empty() : Role.fromWire(entry.substring(eq + 1).trim());
            if (role.isEmpty()) {
                wrong.add(entry.trim());
            } else {
                map.put(entry.substring(0, eq).trim(), role.get());
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalArgumentException("DROVER_ROLE_MAP entries " + wrong + " are not claim-value=viewer|operator|admin");
        }
        return map;
    }
}
