package dev.drover.core.auth;

import dev.drover.contract.signing.IssuerTokens;
import dev.drover.contract.signing.ProofRefused;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.drover.contract.model.Check;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies bearer JWTs of the configured issuers (signature by the issuer's JWKS, found by OIDC discovery and
 * refreshed when a key rotates; issuer, audience, expiry) and says whose they are: a migrator app when the
 * migrator issuer's subject has the migrator prefix, otherwise a person with the role the roles claim grants.
 *
 * <p>A token it verified is remembered for a while: the console and the CLI send the same token with every request for
 * up to an hour, and checking its signature again was a quarter of a page read's CPU (issue 16). The whole token is
 * the key (a part of it, the signature say, would let another header or payload borrow a remembered verification).
 */
public final class TokenVerifier {
    private static final System.Logger LOGGER = System.getLogger(TokenVerifier.class.getName());
    /**
     * How long a verified token is taken on trust without checking its signature again. Never past the token's own
     * expiry; and shorter than the issuer's JWKS is cached (5 minutes, Nimbus's default), which already bounds how long a
     * key the issuer withdraws is honoured.
     */
    static final Duration VERIFIED_FOR = Duration.ofSeconds(60);
    /**
     * Bounded by the tokens' total length (about a byte a character), so that many distinct tokens cannot grow the heap:
     * 4 MB, some four thousand tokens of a usual size.
     */
    private static final long VERIFIED_MAX_CHARS = 4L * 1024 * 1024;

    /** A verified token's principal, and how long it may be remembered. */
    record Verified(Principal principal, Duration lifetime) {
        /** At most {@link #VERIFIED_FOR}, at most until {@code expiry}; zero (not remembered) when that is past. */
        static Verified of(Principal principal, Instant expiry, Instant now) {
            Duration left = Duration.between(now, expiry);
            return new Verified(principal, left.isNegative() ? Duration.ZERO : left.compareTo(VERIFIED_FOR) < 0 ? left : VERIFIED_FOR);
        }
    }

    private final AuthSettings settings;
    private final Map<String, IssuerTokens> issuers = new HashMap<>();
    private final Cache<String, Verified> verified = Caffeine.newBuilder()
            .maximumWeight(VERIFIED_MAX_CHARS)
            .weigher((String token, Verified entry) -> token.length())
            .expireAfter(Expiry.creating((String token, Verified entry) -> entry.lifetime()))
            .build();

    public TokenVerifier(AuthSettings settings) {
        this.settings = settings;
        Map<String, Set<String>> audiences = new HashMap<>();
        audiences.computeIfAbsent(settings.issuer().toString(), k -> new LinkedHashSet<>()).add(settings.audience());
        audiences.computeIfAbsent(settings.migratorIssuer().toString(), k -> new LinkedHashSet<>()).add(settings.migratorAudience());
        audiences.forEach((issuer, accepted) -> issuers.put(issuer, new IssuerTokens(URI.create(issuer), accepted)));
    }

    /**
     * Fetches the keys of the people's issuer, the migrators' or both now, best effort: a function does it as it starts,
     * for the issuers of the callers it serves, so that its first answer does not wait for its identity provider (ADR
     * 0017). An issuer that cannot be asked now is asked again by the first token it signed, whose refusal says why;
     * here it is only noted.
     */
    public void fetchKeys(boolean people, boolean migrators) {
        Set<String> wanted = new LinkedHashSet<>();
        if (people) {
            wanted.add(settings.issuer().toString());
        }
        if (migrators) {
            wanted.add(settings.migratorIssuer().toString());
        }
        for (String issuer : wanted) {
            try {
                issuers.get(issuer).fetchKeys();
            } catch (ProofRefused e) {
                LOGGER.log(Level.DEBUG, e.getMessage());
            }
        }
    }

    public Principal verify(String token) throws ProofRefused {
        if (token.length() > IssuerTokens.MAX_TOKEN_LENGTH) {
            throw new ProofRefused("the token is longer than " + IssuerTokens.MAX_TOKEN_LENGTH + " characters", false);
        }
        Verified known = verified.getIfPresent(token);
        if (known != null) {
            return known.principal();
        }
        Verified fresh = check(token);
        if (fresh.lifetime().isPositive()) {
            verified.put(token, fresh);
        }
        return fresh.principal();
    }

    private Verified check(String token) throws ProofRefused {
        SignedJWT jwt;
        String issuer;
        try {
            jwt = SignedJWT.parse(token);
            issuer = jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new ProofRefused("the token is not a signed JWT", false);
        }
        IssuerTokens tokens = issuer == null ? null : issuers.get(issuer);
        if (tokens == null) {
            throw new ProofRefused("tokens of issuer '" + issuer + "' are not trusted here", false);
        }
        JWTClaimsSet claims = tokens.verify(jwt);
        // exp is required (IssuerTokens), so it is there once the token is verified.
        return Verified.of(principal(issuer, claims), claims.getExpirationTime().toInstant(), Instant.now());
    }

    private Principal principal(String issuer, JWTClaimsSet claims) throws ProofRefused {
        String subject = claims.getSubject();
        List<String> audience = claims.getAudience();
        if (issuer.equals(settings.migratorIssuer().toString()) && subject.startsWith(settings.migratorPrefix())) {
            String app = subject.substring(settings.migratorPrefix().length());
            if (!audience.contains(settings.migratorAudience())) {
                throw new ProofRefused("a migrator's token must be for audience '" + settings.migratorAudience() + "'", false);
            }
            if (app.length() > Check.SLUG_MAX || !Check.SLUG.matcher(app).matches()) {
                throw new ProofRefused("the migrator subject '" + subject + "' names no app id (a slug)", false);
            }
            return new Principal.Migrator(app);
        }
        if (!issuer.equals(settings.issuer().toString()) || !audience.contains(settings.audience())) {
            throw new ProofRefused("the token is neither an operator's (issuer " + settings.issuer() + ", audience "
                                      + settings.audience() + ") nor a migrator's (subject " + settings.migratorPrefix() + "<app>)", false);
        }
        return new Principal.User(name(claims), role(claims));
    }

    private String name(JWTClaimsSet claims) {
        Object named = claims.getClaim(settings.userClaim());
        String name = named instanceof String s && !s.isBlank() ? s : claims.getSubject();
        String printable = name.replaceAll("\\p{Cntrl}", "");
        return printable.length() > 200 ? printable.substring(0, 200) : printable;
    }

    /** The highest role any value of the roles claim grants. */
    private Optional<Role> role(JWTClaimsSet claims) {
        Object value = claims.toJSONObject();
        for (String part : settings.rolesClaim().split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(part) : null;
        }
        Collection<String> values = new ArrayList<>();
        if (value instanceof String s) {
            values.addAll(List.of(s.split("[\\s,]+")));
        } else if (value instanceof Collection<?> list) {
            list.forEach(item -> values.add(String.valueOf(item)));
        }
        Set<Role> granted = new HashSet<>();
        for (String v : values) {
            Role.fromWire(v).ifPresent(granted::add);
            Optional.ofNullable(settings.roleMap().get(v)).ifPresent(granted::add);
        }
        return granted.stream().max(Role::compareTo);
    }
}
