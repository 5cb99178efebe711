package dev.drover.functions;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.auth.Role;
import dev.drover.core.state.RedisState;
import dev.drover.functions.trust.MigratorUrls;
import dev.drover.functions.trust.Trust;
import dev.drover.functions.trust.TrustedProxies;
import dev.drover.issuer.DevIssuer;
import dev.drover.workflows.RunClient;
import dev.drover.workflows.TemporalSettings;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * While the identity provider's keys cannot be fetched (its issuer has stopped) no token can be checked:
 * 503 auth_unavailable with Retry-After, never a 500. (Redis down or loading, Temporal and the history
 * database unavailable have their own tests.)
 */
@ServerTest
class TransientFaultsTest {
    private static final RedisState STATE = TestState.create();
    /** Signs tokens, then stops: their keys can no longer be fetched. */
    private static final DevIssuer GONE_ISSUER = DevIssuer.start("127.0.0.1", 0);
    private static final String TOKEN = GONE_ISSUER.userToken("ada", Role.ADMIN);

    private final URI uri;
    private final Api api;

    TransientFaultsTest(URI uri, Http1Client client) {
        this.uri = uri;
        this.api = new Api(client);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Trust trust = Trust.of(AuthSettings.of(GONE_ISSUER.issuer(), Optional.of(TestTrust.APP_API_TOKEN)), TestTrust.KEYS,
                               new MigratorUrls(MigratorUrls.LOOPBACK), new TrustedProxies("127.0.0.1"));
        GONE_ISSUER.close();
        TestServer.configure(server, new Platform(STATE, new RunClient(new TemporalSettings("127.0.0.1:1", "default").client()),
                                                  URI.create("http://127.0.0.1:1/drover/default"), TestPlatform.history(), trust));
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    private RawHttp.Response get(String path, String token) {
        return RawHttp.exchange(uri, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + token,
                                new byte[0]);
    }

    @Test
    void unfetchableKeysAre503AuthUnavailableWithRetryAfter() {
        RawHttp.Response response = get("/migrations", TOKEN);
        assertEquals(503, response.status(), response.body());
        assertEquals(Optional.of("5"), response.header("Retry-After"));
        assertEquals(java.util.List.of(), Contract.get().responseProblems("GET", "/migrations", 503, response.contentType(),
                                                                          response.body()));
        assertEquals("auth_unavailable", api.as(TOKEN).get("/migrations").errorCode());
    }
}
