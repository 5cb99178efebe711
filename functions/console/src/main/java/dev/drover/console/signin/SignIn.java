package dev.drover.console.signin;

import com.nimbusds.jwt.SignedJWT;
import dev.drover.contract.signing.OidcDiscovery;
import dev.drover.contract.signing.ProofRefused;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.contract.signing.SigningKeys;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.SetCookie;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The console's sign-in (docs/adr/0007-security.md, "Console sign-in"): the authorization code grant with PKCE at the
 * issuer whose tokens the API accepts, ending in cookie {@value SessionCookie#NAME} holding the access token.
 * <ul>
 *     <li>{@code GET /console/sign-in?next=/console/...}: a fresh state and PKCE verifier, sealed in a short-lived
 *     HttpOnly cookie, and a redirect to the issuer's authorization endpoint (found by OIDC discovery) with the S256
 *     challenge;</li>
 *     <li>{@code GET /console/callback}: the state checked against the cookie, the code exchanged with the verifier,
 *     the token verified as the API verifies it, the session cookie set, and a redirect to {@code next}, which is
 *     always a console page;</li>
 *     <li>{@code POST /console/sign-out}: the session cookie cleared.</li>
 * </ul>
 * Whatever goes wrong ends on a page that says what, with a link to sign in again.
 */
public final class SignIn {
    public static final String SIGN_IN_PATH = "/console/sign-in";
    public static final String SIGN_OUT_PATH = "/console/sign-out";
    static final String PENDING_COOKIE = "drover_sign_in";
    private static final String MOVED = "moved";
    private static final System.Logger LOGGER = System.getLogger(SignIn.class.getName());
    private static final String KEY_PURPOSE = "drover console sign-in v1";

    private final Supplier<SignInSettings> configured;
    private volatile SignInSettings settings;
    private final TokenVerifier tokens;
    private final byte[] key;
    private final Clock clock;
    private volatile OidcDiscovery.SignInEndpoints endpoints;

    /** {@code keys}: the platform's signing key, from which the sign-in cookie's key is derived (every instance alike). */
    public SignIn(SignInSettings settings, TokenVerifier tokens, SigningKeys keys) {
        this(() -> settings, tokens, keys, Clock.systemUTC());
    }

    /**
     * Settings read when first needed ({@code () -> SignInSettings.fromEnvironment(env)}): a process that builds every
     * function but serves another needs none of the console's settings. Until they are right, the sign-in routes
     * answer a page that names what is missing.
     */
    public SignIn(Supplier<SignInSettings> settings, TokenVerifier tokens, SigningKeys keys) {
        this(settings, tokens, keys, Clock.systemUTC());
    }

    SignIn(Supplier<SignInSettings> settings, TokenVerifier tokens, SigningKeys keys, Clock clock) {
        this.configured = settings;
        this.tokens = tokens;
        this.key = keys.derive(KEY_PURPOSE);
        this.clock = clock;
    }

    /**
     * Answers {@code path} (the request's path, e.g. {@code /console/sign-in}) when it is one of the sign-in routes;
     * false, having sent nothing, for any other path.
     */
    public boolean handle(String path, ServerRequest req, ServerResponse res) {
        if (!path.equals(SIGN_IN_PATH) && !path.equals(SignInSettings.CALLBACK_PATH) && !path.equals(SIGN_OUT_PATH)) {
            return false;
        }
        try {
            settings();
        } catch (IllegalArgumentException e) {
            SignInPages.problem(res, Status.SERVICE_UNAVAILABLE_503, "Sign-in is not configured",
                                "This console does not know where to sign people in yet; its operator must set it up.",
                                e.getMessage(), NextPage.HOME);
            return true;
        }
        switch (path) {
            case SIGN_IN_PATH -> {
                if (allowed(Method.GET, req, res)) {
                    signIn(req, res);
                }
            }
            case SignInSettings.CALLBACK_PATH -> {
                if (allowed(Method.GET, req, res)) {
                    callback(req, res);
                }
            }
            case SIGN_OUT_PATH -> {
                if (allowed(Method.POST, req, res)) {
                    signOut(req, res);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        String next = NextPage.of(req.query().first("next").asOptional());
        if (!atCallbackOrigin(req) && query(req, MOVED).isEmpty()) {
            // The sign-in cookie must be set where the callback will be asked for (localhost is not 127.0.0.1 to a
            // browser): start again there, once (a proxy that rewrites Host must not make this a loop).
            redirect(res, URI.create(origin(settings().redirectUri()) + SIGN_IN_PATH + "?next="
                                             + URLEncoder.encode(next, StandardCharsets.UTF_8) + "&" + MOVED + "=1"));
            return;
        }
        OidcDiscovery.SignInEndpoints found;
        try {
            found = endpoints();
        } catch (IOException e) {
            SignInPages.problem(res, Status.SERVICE_UNAVAILABLE_503, "The sign-in service cannot be reached",
                                "Drover signs you in at " + settings().issuer() + ", which does not answer now. Try again in a moment.",
                                why(e), next);
            return;
        }
        PendingSignIn pending = PendingSignIn.start(next, clock.instant());
        res.headers().addCookie(SetCookie.builder(PENDING_COOKIE, pending.seal(key)).path(SignInSettings.CALLBACK_PATH)
                                        .httpOnly(true).secure(secure(req)).sameSite(SetCookie.SameSite.LAX)
                                        .maxAge(PendingSignIn.LIFETIME).build());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", settings().clientId());
        query.put("redirect_uri", settings().redirectUri().toString());
        query.put("scope", settings().scope());
        query.put("state", pending.state());
        query.put("code_challenge", pending.challenge());
        query.put("code_challenge_method", "S256");
        redirect(res, withQuery(found.authorization(), query));
    }

    private void callback(ServerRequest req, ServerResponse res) {
        Optional<PendingSignIn> pending = req.headers().cookies().first(PENDING_COOKIE).asOptional()
                .flatMap(cookie -> PendingSignIn.open(cookie, key, clock.instant()));
        String next = pending.map(PendingSignIn::next).orElse(NextPage.HOME);
        clearPending(req, res); // a sign-in is answered once, whatever the answer
        Optional<String> error = query(req, "error");
        String description = query(req, "error_description").orElse("");
        if (error.isPresent()) {
            if (error.get().equals("access_denied")) {
                SignInPages.problem(res, Status.FORBIDDEN_403, "Signing in was cancelled",
                                    "The identity provider did not sign you in: you cancelled, or it refused you. Nothing changed.",
                                    description, next);
            } else {
                SignInPages.problem(res, Status.BAD_REQUEST_400, "The identity provider refused to sign you in",
                                    "It answered '" + error.get() + "'.", description, next);
            }
            return;
        }
        if (pending.isEmpty()) {
            SignInPages.problem(res, Status.BAD_REQUEST_400, "This sign-in has expired",
                                "It was started more than " + PendingSignIn.LIFETIME.toMinutes() + " minutes ago, in another "
                                        + "browser, or at another address than " + origin(settings().redirectUri()) + ". Start again.",
                                "", next);
            return;
        }
        String state = query(req, "state").orElse("");
        if (!MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8), pending.get().state().getBytes(StandardCharsets.UTF_8))) {
            SignInPages.problem(res, Status.BAD_REQUEST_400, "This sign-in does not belong to this browser",
                                "The answer from the identity provider carries another state than the sign-in this browser "
                                        + "started, so it is not used. Start again.", "", next);
            return;
        }
        Optional<String> iss = query(req, "iss");
        if (iss.isPresent() && !iss.get().equals(settings().issuer().toString())) { // RFC 9207: another issuer's answer
            SignInPages.problem(res, Status.BAD_REQUEST_400, "The answer came from another identity provider",
                                "Drover signs you in at " + settings().issuer() + ", not " + iss.get() + ".", "", next);
            return;
        }
        Optional<String> code = query(req, "code");
        if (code.isEmpty()) {
            SignInPages.problem(res, Status.BAD_REQUEST_400, "The identity provider sent no code",
                                "Its answer has neither a code nor an error.", "", next);
            return;
        }
        String token;
        try {
            token = CodeExchange.accessToken(endpoints().token(), settings(), code.get(), pending.get().verifier());
        } catch (IOException e) {
            endpoints = null; // discovered again next time: the issuer may have moved
            SignInPages.problem(res, Status.SERVICE_UNAVAILABLE_503, "The sign-in service cannot be reached",
                                "Drover could not exchange the sign-in code at " + settings().issuer() + ". Try again in a moment.",
                                why(e), next);
            return;
        } catch (CodeExchange.Refused e) {
            SignInPages.problem(res, Status.BAD_REQUEST_400, "The sign-in code was refused",
                                "The identity provider would not exchange it (" + e.error() + "): it may have expired or been used already.",
                                e.getMessage(), next);
            return;
        }
        SignedInUser user;
        Duration lifetime;
        try {
            user = SignedInUser.of(token, tokens);
            lifetime = Duration.between(clock.instant(), SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant());
        } catch (ProofRefused e) {
            SignInPages.problem(res, e.unavailable() ? Status.SERVICE_UNAVAILABLE_503 : Status.FORBIDDEN_403,
                                e.unavailable() ? "The sign-in cannot be checked now" : "Drover does not accept this sign-in",
                                e.unavailable() ? "The identity provider's keys cannot be fetched. Try again in a moment."
                                                : "The identity provider signed you in, but its token is not one the Drover API accepts.",
                                e.getMessage(), next);
            return;
        } catch (ParseException e) {
            throw new IllegalStateException("a verified token does not parse", e);
        }
        if (user.role().isEmpty()) {
            SignInPages.problem(res, Status.FORBIDDEN_403, "Signed in, but without a Drover role",
                                user.name() + " has none of the roles viewer, operator or admin. Ask a Drover admin to grant one, "
                                        + "then sign in again.", "", next);
            return;
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            SignInPages.problem(res, Status.BAD_REQUEST_400, "This sign-in has expired",
                                "The identity provider gave a token that has expired already; check the clocks of both.", "", next);
            return;
        }
        SessionCookie.set(res, token, lifetime, secure(req));
        LOGGER.log(System.Logger.Level.INFO, "console sign-in: " + user.name() + " (" + user.roleLabel() + ")");
        redirect(res, URI.create(next));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        // Another site's form must not sign a person out: a browser names the page a post comes from.
        Optional<String> from = req.headers().first(HeaderNames.ORIGIN);
        Optional<String> site = req.headers().first(HeaderNames.create("Sec-Fetch-Site"));
        if (from.isPresent() && !from.get().equals(origin(settings().redirectUri()))
                || site.isPresent() && !site.get().equals("same-origin") && !site.get().equals("none")) {
            SignInPages.problem(res, Status.FORBIDDEN_403, "Sign-out refused",
                                "Signing out is done from the console's own pages, not from another site.", "", NextPage.HOME);
            return;
        }
        SessionCookie.clear(res, secure(req));
        SignInPages.signedOut(res);
    }

    private SignInSettings settings() {
        SignInSettings resolved = settings;
        if (resolved == null) {
            resolved = configured.get();
            settings = resolved;
        }
        return resolved;
    }

    /** The issuer's endpoints, discovered once and again after a failure. */
    private OidcDiscovery.SignInEndpoints endpoints() throws IOException {
        OidcDiscovery.SignInEndpoints found = endpoints;
        if (found == null) {
            found = OidcDiscovery.signInEndpoints(settings().issuer());
            endpoints = found;
        }
        return found;
    }

    private void clearPending(ServerRequest req, ServerResponse res) {
        res.headers().addCookie(SetCookie.builder(PENDING_COOKIE, "").path(SignInSettings.CALLBACK_PATH).httpOnly(true)
                                        .secure(secure(req)).sameSite(SetCookie.SameSite.LAX).maxAge(Duration.ZERO).expires(Instant.EPOCH).build());
    }

    /** Whether the browser asked at the origin of the callback (by its Host header; default ports left out alike). */
    private boolean atCallbackOrigin(ServerRequest req) {
        URI callback = settings().redirectUri();
        int port = callback.getPort() != -1 ? callback.getPort() : "https".equals(callback.getScheme()) ? 443 : 80;
        String expected = (callback.getHost() + ":" + port).toLowerCase(java.util.Locale.ROOT);
        String host = req.headers().first(HeaderNames.HOST).orElse("").trim().toLowerCase(java.util.Locale.ROOT);
        String withPort = host.matches(".*:\\d+$") && !host.endsWith("]") ? host : host + ":" + port;
        return withPort.equals(expected);
    }

    /** Secure cookies when this request came over https, or the browser reaches the console over https (a proxy's TLS). */
    private boolean secure(ServerRequest req) {
        return req.isSecure() || settings().httpsOnly();
    }

    private static boolean allowed(Method method, ServerRequest req, ServerResponse res) {
        if (req.prologue().method().equals(method)) {
            return true;
        }
        res.header(HeaderNames.ALLOW, method.text());
        res.status(Status.METHOD_NOT_ALLOWED_405);
        res.send();
        return false;
    }

    private static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional();
    }

    /** 303: the browser follows with a GET. No store: a redirect carrying a state is for this browser, this once. */
    private static void redirect(ServerResponse res, URI location) {
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location.toString());
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("Referrer-Policy", "no-referrer");
        res.send();
    }

    private static URI withQuery(URI endpoint, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder(endpoint.getRawQuery() == null ? "" : endpoint.getRawQuery());
        parameters.forEach((name, value) -> query.append(query.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        String base = endpoint.toString();
        int cut = base.indexOf('?');
        return URI.create((cut < 0 ? base : base.substring(0, cut)) + "?" + query);
    }

    /** An exception in words: a refused connection has no message of its own. */
    private static String why(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
