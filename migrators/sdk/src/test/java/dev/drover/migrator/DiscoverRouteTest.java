package dev.drover.migrator;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.issuer.DevIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /discover} starts a scan of the source of truth: the platform's signed request starts it, and, when
 * configured, a trigger's OIDC token (what a Knative PingSource sends with {@code authentication-oidc}).
 */
class DiscoverRouteTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "serving.knative.dev/service/drover/m";
    private static DevIssuer issuer;
    private static TestPlatform platform;

    @BeforeAll
    static void start() {
        issuer = DevIssuer.start("127.0.0.1", 0);
        platform = new TestPlatform("migrator-token");
    }

    @AfterAll
    static void stop() {
        platform.close();
        issuer.close();
    }

    private static Migrator migrator(MigratorSettings settings) {
        return Migrator.builder("m", new Migration("discovered", "Discovered", "", List.of(),
                                                    List.of(new Step("noop", "", "m", "noop", Map.of())), List.of()))
                .step("noop", step -> StepResult.succeeded(Map.of(), "nothing"))
                .tokens(TokenSource.of("migrator-token"))
                .patience(Duration.ofSeconds(5))
                .start(settings);
    }

    private static int post(Migrator migrator, String bearer, String body) throws Exception {
        return answer(migrator, bearer, body).statusCode();
    }

    private static HttpResponse<String> answer(Migrator migrator, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(migrator.uri().resolve("/discover"));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** After refused triggers: given time to run, discovery still ran {@code runs} times. */
    private static void assertNoFurtherRuns(Migrator migrator, int runs) throws InterruptedException {
        Thread.sleep(300);
        assertEquals(runs, migrator.discoveryRuns(), "a refused trigger runs no discovery");
    }

    private static String triggerToken(String audience, Duration valid) {
        return issuer.sign(issuer.base("system:serviceaccount:drover:oidc-pingsource").audience(audience)
                                   .expirationTime(new Date(System.currentTimeMillis() + valid.toMillis())).build());
    }

    @Test
    void thePlatformsSignedTriggerRunsDiscovery() throws Exception {
        try (Migrator migrator = migrator(MigratorSettings.local(platform.uri()))) {
            TestPlatform.awaitDiscoveryRuns(migrator, 1); // the start's own
            byte[] body = "{}".getBytes();
            assertEquals(202, post(migrator, platform.signRequest("m", "/discover", body), "{}"));
            TestPlatform.awaitDiscoveryRuns(migrator, 2);
            assertEquals(401, post(migrator, null, "{}"));
            assertEquals(401, post(migrator, platform.signRequest("m", "/dry-run", body), "{}"), "signed for another route");
            assertEquals(401, post(migrator, platform.signRequest("other", "/discover", body), "{}"), "for another migrator");
            assertEquals(401, post(migrator, triggerToken(AUDIENCE, Duration.ofMinutes(5)), "{}"), "no trigger issuer configured");
            assertEquals(401, post(migrator, "garbage", "{}"));
            assertNoFurtherRuns(migrator, 2);
        }
    }

    @Test
    void aTriggerTokenOfTheConfiguredIssuerAndAudienceRunsDiscovery() throws Exception {
        MigratorSettings settings = MigratorSettings.local(platform.uri())
                .withTrigger(new MigratorSettings.Trigger(issuer.issuer(), AUDIENCE));
        try (Migrator migrator = migrator(settings)) {
            TestPlatform.awaitDiscoveryRuns(migrator, 1);
            assertEquals(202, post(migrator, triggerToken(AUDIENCE, Duration.ofMinutes(5)), "{}"));
            TestPlatform.awaitDiscoveryRuns(migrator, 2);
            HttpResponse<String> otherAudience = answer(migrator, triggerToken("drover", Duration.ofMinutes(5)), "{}");
            assertEquals(401, otherAudience.statusCode());
            assertTrue(otherAudience.body().contains("\"invalid_credential\"")
                               && otherAudience.body().contains("not a trigger token of " + issuer.issuer() + " for audience '" + AUDIENCE + "'"),
                       otherAudience.body());
            assertEquals(401, post(migrator, triggerToken(AUDIENCE, Duration.ofMinutes(-5)), "{}"), "expired");
            DevIssuer other = DevIssuer.start("127.0.0.1", 0);
            try {
                String foreign = other.sign(new JWTClaimsSet.Builder(other.base("system:serviceaccount:x:y").build())
                                                    .issuer(issuer.issuer().toString()).audience(AUDIENCE).build());
                assertEquals(401, post(migrator, foreign, "{}"), "claims the issuer, signed by another key");
            } finally {
                other.close();
            }
            assertNoFurtherRuns(migrator, 2);
        }
    }

    @Test
    void aTriggerThatCannotBeCheckedForNowIsAskedToComeBack() throws Exception {
        // The trigger issuer's keys cannot be fetched (nothing listens there): the caller is told to retry, not refused.
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        MigratorSettings settings = MigratorSettings.local(platform.uri())
                .withTrigger(new MigratorSettings.Trigger(URI.create("http://127.0.0.1:" + closed), AUDIENCE));
        try (Migrator migrator = migrator(settings)) {
            TestPlatform.awaitDiscoveryRuns(migrator, 1);
            HttpResponse<String> answer = answer(migrator, triggerToken(AUDIENCE, Duration.ofMinutes(5)), "{}");
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"keys_unavailable\""), answer.body());
            assertEquals(java.util.Optional.of("5"), answer.headers().firstValue("Retry-After"));
            assertNoFurtherRuns(migrator, 1);
        }
    }
}
