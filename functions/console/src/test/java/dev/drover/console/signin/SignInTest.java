package dev.drover.console.signin;

import dev.drover.core.auth.Access;
import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Principals;
import dev.drover.core.auth.Role;
import dev.drover.core.auth.TokenVerifier;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionServer;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.function.Settings;
import dev.drover.core.http.Http;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.issuer.DevIssuer;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's sign-in against a real development issuer, driven as a browser drives it: the redirect to the
 * issuer, its sign-in page, the callback; the session cookie it ends with is a token the platform's own
 * authentication (a function server) accepts, with the role chosen. And what must not work: a callback with another
 * state, a sign-in that expired, a cancelled one, an issuer that is down, a next page elsewhere.
 */
class SignInTest {
    private static final MovingClock CLOCK = new MovingClock();
    private static DevIssuer issuer;
    private static WebServer console;
    private static WebServer api;
    private static volatile SignIn signIn;
    private static TokenVerifier tokens;

    @BeforeAll
    static void start() {
        issuer = DevIssuer.start("127.0.0.1", 0);
        tokens = new TokenVerifier(AuthSettings.of(issuer.issuer(), Optional.empty()));
        console = WebServer.builder().host("127.0.0.1").port(0).featuresDiscoverServices(false)
                .routing(routing -> routing
                        .get("/console/header", SignInTest::header)
                        .any((req, res) -> {
                            if (!signIn.handle(req.path().path(), req, res)) {
                                res.status(Status.NOT_FOUND_404).send();
                            }
                        }))
                .build().start();
        SignInSettings settings = SignInSettings.local(issuer.issuer(), consoleUri(""));
        issuer.registerRedirectUri(settings.redirectUri());
        signIn = new SignIn(() -> settings, tokens, SigningKeys.generate(), CLOCK);
        // The API's door, as every function has it: a route for operators that says who called.
        Function whoAmI = new Function() {
            @Override
            public FunctionSpec spec() {
                return FunctionSpec.rest("who-am-i", Method.GET, "/who-am-i", Access.OPERATE);
            }

            @Override
            public void handle(ServerRequest req, ServerResponse res) {
                Http.json(res, Map.of("actor", Principals.of(req).actor()));
            }
        };
        api = FunctionServer.start("127.0.0.1", Settings.fromEnvironment(Map.of()).withPort(0), List.of(whoAmI), List.of(), List.of(),
                                   new dev.drover.core.auth.PlatformAuthenticator(AuthSettings.of(issuer.issuer(), Optional.empty()), tokens));
    }

    @AfterAll
    static void stop() {
        api.stop();
        console.stop();
        issuer.close();
    }

    @Test
    void signInSendsTheBrowserToTheIssuerWithAnS256ChallengeAndState() throws Exception {
        HttpResponse<String> first = Browser.get(consoleUri("/console/sign-in?next=/console/migrations/hello"));
        assertEquals(303, first.statusCode());
        URI authorize = Browser.location(first);
        assertTrue(authorize.toString().startsWith(issuer.authorizationEndpoint() + "?"), authorize.toString());
        Map<String, String> query = Browser.query(authorize);
        assertEquals("code", query.get("response_type"));
        assertEquals("drover-console", query.get("client_id"));
        assertEquals(consoleUri("/console/callback").toString(), query.get("redirect_uri"));
        assertEquals("S256", query.get("code_challenge_method"));
        assertTrue(query.get("code_challenge").matches("[A-Za-z0-9_-]{43}"), query.get("code_challenge"));
        assertTrue(query.get("state").length() >= 43, query.get("state"));
        String pending = Browser.setCookie(first, SignIn.PENDING_COOKIE).orElseThrow();
        assertTrue(pending.contains("HttpOnly"), pending);
        assertTrue(pending.contains("SameSite=Lax"), pending);
        assertFalse(pending.contains(query.get("state")), "the cookie is sealed: its state is not readable in it");

        Map<String, String> again = Browser.query(Browser.location(Browser.get(consoleUri("/console/sign-in"))));
        assertNotEquals(query.get("state"), again.get("state"));
        assertNotEquals(query.get("code_challenge"), again.get("code_challenge"));
    }

    @Test
    void aSignInStartedAtAnotherNameOfTheHostMovesToTheCallbacksOrigin() throws Exception {
        URI atLocalhost = URI.create("http://localhost:" + console.port() + "/console/sign-in?next=/console/migrations");
        HttpResponse<String> moved = Browser.get(atLocalhost);
        assertEquals(303, moved.statusCode());
        assertEquals(consoleUri("/console/sign-in?next=%2Fconsole%2Fmigrations&moved=1"), Browser.location(moved));
        assertTrue(Browser.setCookie(moved, SignIn.PENDING_COOKIE).isEmpty(), "no cookie where the callback will not see it");

        HttpResponse<String> once = Browser.get(URI.create(atLocalhost + "&moved=1"));
        assertEquals(303, once.statusCode());
        assertTrue(Browser.location(once).toString().startsWith(issuer.authorizationEndpoint().toString()), "moved once, never in a loop");
    }

    @Test
    void aSignInEndsInASessionCookieWhoseTokenTheApiAccepts() throws Exception {
        HttpResponse<String> callback = signInAs("otto", "operator", "/console/migrations/hello?status=failed");
        assertEquals(303, callback.statusCode(), callback.body());
        assertEquals("/console/migrations/hello?status=failed", callback.headers().firstValue("Location").orElseThrow());
        String session = Browser.setCookie(callback, SessionCookie.NAME).orElseThrow();
        assertTrue(session.contains("HttpOnly"), session);
        assertTrue(session.contains("SameSite=Lax"), session);
        assertTrue(session.contains("Path=/console"), session);
        assertFalse(session.contains("Secure"), "the local stack's console is plain http: " + session);
        long maxAge = Long.parseLong(session.replaceAll(".*Max-Age=(\\d+).*", "$1"));
        assertTrue(maxAge > DevIssuer.LIFETIME.toSeconds() - 60 && maxAge <= DevIssuer.LIFETIME.toSeconds(), session);
        String spent = Browser.setCookie(callback, SignIn.PENDING_COOKIE).orElseThrow();
        assertTrue(spent.contains("Expires=Thu, 1 Jan 1970"), "the sign-in is spent: " + spent);

        String token = Browser.cookieValue(session);
        HttpResponse<String> asked = Browser.get(URI.create("http://127.0.0.1:" + api.port() + "/who-am-i"), "Authorization", "Bearer " + token);
        assertEquals(200, asked.statusCode(), asked.body());
        assertTrue(asked.body().contains("\"otto\""), asked.body());
    }

    @Test
    void theRoleChosenIsTheRoleTheConsoleShows() throws Exception {
        String token = Browser.cookieValue(Browser.setCookie(signInAs("vera", "viewer", "/console/"), SessionCookie.NAME).orElseThrow());
        SignedInUser user = SignedInUser.of(token, tokens);
        assertEquals("vera", user.name());
        assertEquals(Optional.of(Role.VIEWER), user.role());
        assertFalse(user.may(Role.OPERATOR), "a viewer is offered no start, cancel or retry");
        HttpResponse<String> asked = Browser.get(URI.create("http://127.0.0.1:" + api.port() + "/who-am-i"), "Authorization", "Bearer " + token);
        assertEquals(403, asked.statusCode(), "and the API agrees");
    }

    @Test
    void aCallbackWithAnotherStateIsRefused() throws Exception {
        HttpResponse<String> first = Browser.get(consoleUri("/console/sign-in?next=/console/"));
        String pending = Browser.cookieValue(Browser.setCookie(first, SignIn.PENDING_COOKIE).orElseThrow());
        URI back = issuerAnswer(Browser.location(first), "otto", "operator");
        URI forged = URI.create(back.toString().replaceAll("state=[^&]+", "state=someone-elses"));

        HttpResponse<String> callback = Browser.get(forged, "Cookie", SignIn.PENDING_COOKIE + "=" + pending);
        assertEquals(400, callback.statusCode());
        assertTrue(callback.body().contains("does not belong to this browser"), callback.body());
        assertTrue(callback.body().contains("href=\"/console/sign-in?next="), "a link to start again");
        assertTrue(Browser.setCookie(callback, SessionCookie.NAME).isEmpty());
    }

    @Test
    void aCallbackWithoutItsSignInCookieOrAfterItExpiredIsRefused() throws Exception {
        HttpResponse<String> first = Browser.get(consoleUri("/console/sign-in"));
        String pending = Browser.cookieValue(Browser.setCookie(first, SignIn.PENDING_COOKIE).orElseThrow());
        URI back = issuerAnswer(Browser.location(first), "otto", "operator");

        HttpResponse<String> elsewhere = Browser.get(back);
        assertEquals(400, elsewhere.statusCode());
        assertTrue(elsewhere.body().contains("This sign-in has expired"), elsewhere.body());

        CLOCK.advance(PendingSignIn.LIFETIME.plusSeconds(1));
        HttpResponse<String> late = Browser.get(back, "Cookie", SignIn.PENDING_COOKIE + "=" + pending);
        assertEquals(400, late.statusCode());
        assertTrue(late.body().contains("This sign-in has expired"), late.body());
        assertTrue(Browser.setCookie(late, SessionCookie.NAME).isEmpty());
    }

    @Test
    void aCancelledSignInSaysSoAndOffersAnother() throws Exception {
        HttpResponse<String> first = Browser.get(consoleUri("/console/sign-in?next=/console/migrations/hello"));
        String pending = Browser.cookieValue(Browser.setCookie(first, SignIn.PENDING_COOKIE).orElseThrow());
        Map<String, String> fields = new HashMap<>(Browser.query(Browser.location(first)));
        fields.put("action", "cancel");
        URI back = Browser.location(Browser.post(issuer.authorizationEndpoint(), fields));

        HttpResponse<String> callback = Browser.get(back, "Cookie", SignIn.PENDING_COOKIE + "=" + pending);
        assertEquals(403, callback.statusCode());
        assertTrue(callback.body().contains("Signing in was cancelled"), callback.body());
        assertTrue(callback.body().contains("/console/sign-in?next=%2Fconsole%2Fmigrations%2Fhello"), callback.body());
    }

    @Test
    void anIssuerThatIsDownGetsAPageNotAnError() throws Exception {
        DevIssuer gone = DevIssuer.start("127.0.0.1", 0);
        URI goneIssuer = gone.issuer();
        gone.close();
        SignIn nowhere = new SignIn(SignInSettings.local(goneIssuer, consoleUri("")), tokens, SigningKeys.generate());
        SignIn before = signIn;
        signIn = nowhere;
        try {
            HttpResponse<String> page = Browser.get(consoleUri("/console/sign-in?next=/console/"));
            assertEquals(503, page.statusCode());
            assertTrue(page.body().contains("The sign-in service cannot be reached"), page.body());
            assertTrue(page.body().contains("Sign in again"), page.body());
        } finally {
            signIn = before;
        }
    }

    @Test
    void aConsoleWithoutSettingsSaysWhatIsMissing() throws Exception {
        SignIn before = signIn;
        signIn = new SignIn(() -> SignInSettings.fromEnvironment(Map.of("DROVER_OIDC_ISSUER", issuer.issuer().toString())),
                            tokens, SigningKeys.generate());
        try {
            HttpResponse<String> page = Browser.get(consoleUri("/console/sign-in"));
            assertEquals(503, page.statusCode());
            assertTrue(page.body().contains("DROVER_CONSOLE_REDIRECT_URI is not set"), page.body());
            assertEquals(404, Browser.get(consoleUri("/console/migrations")).statusCode(), "other paths are not sign-in's");
        } finally {
            signIn = before;
        }
    }

    @Test
    void nextNeverLeavesTheConsole() throws Exception {
        for (String next : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example", "/console/../admin",
                                   "/console/callback?code=x", "/elsewhere")) {
            HttpResponse<String> callback = signInAs("otto", "operator", next);
            assertEquals(303, callback.statusCode(), next);
            assertEquals("/console/", callback.headers().firstValue("Location").orElseThrow(), next);
        }
    }

    @Test
    void signOutClearsTheSessionButOnlyFromTheConsolesOwnPages() throws Exception {
        HttpResponse<String> foreign = Browser.post(consoleUri("/console/sign-out"), Map.of(), "Origin", "https://evil.example");
        assertEquals(403, foreign.statusCode());
        assertTrue(Browser.setCookie(foreign, SessionCookie.NAME).isEmpty());

        HttpResponse<String> own = Browser.post(consoleUri("/console/sign-out"), Map.of(), "Origin", consoleUri("").toString());
        assertEquals(200, own.statusCode());
        String cleared = Browser.setCookie(own, SessionCookie.NAME).orElseThrow();
        assertTrue(cleared.contains("Expires=Thu, 1 Jan 1970") && cleared.contains("Path=/console"), cleared);

        assertEquals(405, Browser.get(consoleUri("/console/sign-out")).statusCode(), "a link cannot sign anyone out");
    }

    @Test
    void theConsoleTakesTheApisBearerTokensAndItsOwnCookie() throws Exception {
        String bearer = issuer.userToken("ada", Role.ADMIN);
        assertEquals("ada (admin)", Browser.get(consoleUri("/console/header"), "Authorization", "Bearer " + bearer).body());
        assertEquals("otto (operator)", Browser.get(consoleUri("/console/header"), "Cookie",
                                                    SessionCookie.NAME + "=" + issuer.userToken("otto", Role.OPERATOR)).body());
        assertEquals("ada (admin)", Browser.get(consoleUri("/console/header"), "Authorization", "Bearer " + bearer, "Cookie",
                                                SessionCookie.NAME + "=" + issuer.userToken("otto", Role.OPERATOR)).body(),
                     "a caller that sends a bearer token means it");
        assertEquals("nobody", Browser.get(consoleUri("/console/header")).body());
        assertTrue(Browser.get(consoleUri("/console/header"), "Cookie", SessionCookie.NAME + "=" + issuer.migratorToken("hello"))
                           .body().startsWith("refused"), "a migrator's token opens no console");
        DevIssuer other = DevIssuer.start("127.0.0.1", 0);
        try {
            assertTrue(Browser.get(consoleUri("/console/header"), "Cookie", SessionCookie.NAME + "=" + other.userToken("eve", Role.ADMIN))
                               .body().startsWith("refused"), "another issuer's token proves nothing");
        } finally {
            other.close();
        }
    }

    /** What a console header shows: the name and role of the request's person. */
    private static void header(ServerRequest req, ServerResponse res) {
        try {
            res.send(SignedInUser.of(req, tokens).map(user -> user.name() + " (" + user.roleLabel() + ")").orElse("nobody"));
        } catch (dev.drover.contract.signing.ProofRefused e) {
            res.send("refused: " + e.getMessage());
        }
    }

    /** The whole sign-in, as a browser: the console, the issuer's page, the form, the callback's answer. */
    private static HttpResponse<String> signInAs(String user, String role, String next) throws Exception {
        HttpResponse<String> first = Browser.get(consoleUri("/console/sign-in?next=" + java.net.URLEncoder.encode(next, "UTF-8")));
        String pending = Browser.cookieValue(Browser.setCookie(first, SignIn.PENDING_COOKIE).orElseThrow());
        URI back = issuerAnswer(Browser.location(first), user, role);
        return Browser.get(back, "Cookie", SignIn.PENDING_COOKIE + "=" + pending);
    }

    /** The issuer's sign-in page shown and posted, as a person fills it in: where it sends the browser back. */
    private static URI issuerAnswer(URI authorize, String user, String role) throws Exception {
        HttpResponse<String> page = Browser.get(authorize);
        assertEquals(200, page.statusCode(), page.body());
        Map<String, String> fields = new HashMap<>(Browser.query(authorize));
        fields.put("user", user);
        fields.put("role", role);
        fields.put("action", "sign-in");
        HttpResponse<String> posted = Browser.post(issuer.authorizationEndpoint(), fields);
        assertEquals(303, posted.statusCode(), posted.body());
        return Browser.location(posted);
    }

    private static URI consoleUri(String path) {
        return URI.create("http://127.0.0.1:" + console.port() + path);
    }

    /** A clock a test moves forward. */
    static final class MovingClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
