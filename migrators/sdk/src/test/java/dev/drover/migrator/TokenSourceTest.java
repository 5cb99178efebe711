package dev.drover.migrator;

import com.nimbusds.jwt.SignedJWT;
import dev.drover.issuer.DevIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenSourceTest {
    private static DevIssuer issuer;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        issuer = DevIssuer.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @Test
    void aTokenFileIsReadAgainWhenKubernetesRotatesIt() throws Exception {
        // The kubelet's atomic writer: token -> ..data/token, ..data -> a timestamped folder swapped by rename.
        Path first = Files.createDirectories(dir.resolve("..2026_01"));
        Files.writeString(first.resolve("token"), "token-one\n");
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(dir.resolve("token"), Path.of("..data/token"));
        TokenSource tokens = TokenSource.fromFile(dir.resolve("token"));
        assertEquals("token-one", tokens.token());
        assertEquals("token-one", tokens.token());

        Path second = Files.createDirectories(dir.resolve("..2026_02"));
        Files.writeString(second.resolve("token"), "token-two\n");
        Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("token-two", tokens.token(), "the rotated token, though same size");

        Files.writeString(second.resolve("token"), "token-three-rewritten-in-place");
        assertEquals("token-three-rewritten-in-place", tokens.token());
    }

    @Test
    void aMissingOrEmptyTokenFileIsNoToken() throws Exception {
        TokenSource missing = TokenSource.fromFile(dir.resolve("absent"));
        assertThrows(IOException.class, missing::token);
        Files.writeString(dir.resolve("empty"), "  \n");
        IOException empty = assertThrows(IOException.class, TokenSource.fromFile(dir.resolve("empty"))::token);
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void clientCredentialsGetTheMigratorsTokenFromTheIssuerAndKeepItUntilShortlyBeforeExpiry() throws Exception {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now[0]; }
        };
        TokenSource tokens = new ClientCredentials(issuer.tokenEndpoint(), issuer.clientId(), issuer.clientSecret(),
                                                   Map.of("migrator", "hello-migrator"), clock);
        String token = tokens.token();
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals("system:serviceaccount:drover:hello-migrator", jwt.getJWTClaimsSet().getSubject());
        assertEquals(issuer.issuer().toString(), jwt.getJWTClaimsSet().getIssuer());
        assertEquals(java.util.List.of("drover"), jwt.getJWTClaimsSet().getAudience());

        now[0] = now[0].plus(DevIssuer.LIFETIME).minus(Duration.ofMinutes(2));
        assertEquals(token, tokens.token(), "kept while it lives");
        now[0] = now[0].plus(Duration.ofSeconds(61));
        assertNotEquals(token, tokens.token(), "renewed in its last minute (the issuer gives each token its own jti)");
    }

    @Test
    void aWrongSecretIsAClearFailure() {
        TokenSource tokens = TokenSource.clientCredentials(issuer.tokenEndpoint(), issuer.clientId(), "wrong", Map.of("migrator", "m"));
        IOException e = assertThrows(IOException.class, tokens::token);
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("invalid_client")
                           && e.getMessage().contains("DROVER_CLIENT_SECRET") && !e.getMessage().contains(issuer.clientSecret()),
                   e.getMessage());
    }

    @Test
    void theEnvironmentNamesOneIdentityAndWhereCallbacksGo() throws Exception {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> TokenSource.fromEnvironment(Map.of()));
        assertTrue(none.getMessage().contains("DROVER_TOKEN_FILE") && none.getMessage().contains("DROVER_TOKEN_URL"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MigratorSettings.fromEnvironment(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> TokenSource.fromEnvironment(
                Map.of("DROVER_TOKEN_FILE", "/var/run/secrets/drover/token", "DROVER_TOKEN_URL", "https://idp.example/token")));
        assertThrows(IllegalArgumentException.class, () -> TokenSource.fromEnvironment(Map.of("DROVER_TOKEN_URL", "https://idp.example/token")));

        assertInstanceOf(FileTokenSource.class, TokenSource.fromEnvironment(Map.of("DROVER_TOKEN_FILE", "/var/run/secrets/drover/token")));
        TokenSource fromEnv = TokenSource.fromEnvironment(Map.of("DROVER_TOKEN_URL", issuer.tokenEndpoint().toString(),
                                                                 "DROVER_CLIENT_ID", issuer.clientId(),
                                                                 "DROVER_CLIENT_SECRET", issuer.clientSecret(),
                                                                 "DROVER_TOKEN_PARAMS", "migrator=app-chart-migrator&scope=a%20b"));
        assertEquals("system:serviceaccount:drover:app-chart-migrator", SignedJWT.parse(fromEnv.token()).getJWTClaimsSet().getSubject());

        MigratorSettings settings = MigratorSettings.fromEnvironment(Map.of("DROVER_TOKEN_FILE", "/t", "DROVER_METRICS_TOKEN", "scrape-secret",
                                                                            "DROVER_TRIGGER_ISSUER", "https://kubernetes.default.svc",
                                                                            "DROVER_TRIGGER_AUDIENCE", "drover-discover"));
        assertEquals(new MigratorSettings.Trigger(URI.create("https://kubernetes.default.svc"), "drover-discover"), settings.trigger().orElseThrow());
        assertEquals("scrape-secret", settings.metricsToken().orElseThrow());
        assertTrue(!settings.toString().contains("scrape-secret"), settings.toString());
        assertEquals(URI.create("http://127.0.0.1:8080"), settings.callbackUrl(), "callbacks go to the platform's API by default");
        assertEquals(URI.create("http://step-callback.drover.svc.cluster.local"), MigratorSettings.fromEnvironment(
                Map.of("DROVER_TOKEN_FILE", "/t", "DROVER_API_URL", "http://drover-api.drover.svc.cluster.local",
                       "DROVER_CALLBACK_URL", "http://step-callback.drover.svc.cluster.local")).callbackUrl(),
                     "or where the platform's worker sends them (the same drover-config)");
        assertThrows(IllegalArgumentException.class, () -> MigratorSettings.fromEnvironment(
                Map.of("DROVER_TOKEN_FILE", "/t", "DROVER_TRIGGER_ISSUER", "https://kubernetes.default.svc")));
    }

    @Test
    void aTokenFileIsReadAgainWhenItsSizeOrItsTimeChangesAndRefusedWhenLargerThanAnyToken() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "token-aaaa");
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(file);
        TokenSource tokens = TokenSource.fromFile(file);
        assertEquals("token-aaaa", tokens.token());

        Files.writeString(file, "token-bbbb");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(written.toInstant().plusSeconds(1)));
        assertEquals("token-bbbb", tokens.token(), "rewritten in place with the same size, a second later");

        java.nio.file.attribute.FileTime second = Files.getLastModifiedTime(file);
        Files.writeString(file, "token-cc");
        Files.setLastModifiedTime(file, second);
        assertEquals("token-cc", tokens.token(), "rewritten within the same tick of the file's clock, shorter");

        Files.writeString(file, "t".repeat(16 * 1024));
        assertEquals(16 * 1024, tokens.token().length(), "16 KiB is still a token");
        Files.writeString(file, "t".repeat(16 * 1024 + 1));
        IOException tooLarge = assertThrows(IOException.class, tokens::token);
        assertEquals(file + " holds 16385 bytes: not a token (DROVER_TOKEN_FILE)", tooLarge.getMessage());
    }

    @Test
    void anIssuerThatStatesNoLifetimeIsAskedAgainAfterAMinute() throws Exception {
        java.util.concurrent.atomic.AtomicInteger issued = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer idp = idp(
                () -> "{\"access_token\":\"token-" + issued.incrementAndGet() + "\",\"token_type\":\"Bearer\",\"expires_in\":0}");
        try {
            Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
            Clock clock = new Clock() {
                public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
                public Clock withZone(java.time.ZoneId zone) { return this; }
                public Instant instant() { return now[0]; }
            };
            TokenSource tokens = new ClientCredentials(tokenUrl(idp), "id", "secret", Map.of(), clock);
            assertEquals("token-1", tokens.token());
            now[0] = now[0].plusSeconds(59);
            assertEquals("token-1", tokens.token(), "expires_in 0 says nothing of the lifetime: the token is kept a minute");
            now[0] = now[0].plusSeconds(1);
            assertEquals("token-2", tokens.token());
        } finally {
            idp.stop(0);
        }
    }

    @Test
    void theTokenEndpointIsAnHttpUrlAndItsExtraParametersAreNameValuePairs() throws Exception {
        Map<String, String> identity = Map.of("DROVER_CLIENT_ID", issuer.clientId(), "DROVER_CLIENT_SECRET", issuer.clientSecret());
        for (String url : java.util.List.of("ftp://idp.example/token", "https:///token", "mailto:ops@example.com")) {
            java.util.Map<String, String> env = new java.util.HashMap<>(identity);
            env.put("DROVER_TOKEN_URL", url);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenSource.fromEnvironment(env), url);
            assertEquals("DROVER_TOKEN_URL=" + url + " is not an http(s) URL", e.getMessage());
        }
        for (String params : java.util.List.of("=b", "ab", "a=b&=c")) {
            java.util.Map<String, String> env = new java.util.HashMap<>(identity);
            env.put("DROVER_TOKEN_URL", issuer.tokenEndpoint().toString());
            env.put("DROVER_TOKEN_PARAMS", params);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenSource.fromEnvironment(env), params);
            assertTrue(e.getMessage().startsWith("DROVER_TOKEN_PARAMS entry '") && e.getMessage().endsWith("' is not name=value"),
                       e.getMessage());
        }
        // A one-letter name is a name; the issuer at http:// (the local stack's) is an http(s) URL.
        java.util.Map<String, String> env = new java.util.HashMap<>(identity);
        env.put("DROVER_TOKEN_URL", issuer.tokenEndpoint().toString());
        env.put("DROVER_TOKEN_PARAMS", "m=x&migrator=one-letter-app");
        assertEquals("system:serviceaccount:drover:one-letter-app",
                     SignedJWT.parse(TokenSource.fromEnvironment(env).token()).getJWTClaimsSet().getSubject());
    }

    @Test
    void aTokenOfAnotherTypeIsRefusedNamingTheTypeUpToTwoHundredCharacters() throws Exception {
        String[] type = {"x".repeat(200)};
        com.sun.net.httpserver.HttpServer idp = idp(() -> "{\"access_token\":\"t\",\"token_type\":\"" + type[0] + "\"}");
        try {
            TokenSource tokens = TokenSource.clientCredentials(tokenUrl(idp), "id", "secret", Map.of());
            assertEquals("the token endpoint " + tokenUrl(idp) + " gave a token of type '" + type[0] + "', not Bearer",
                         assertThrows(IOException.class, tokens::token).getMessage());
            type[0] = "x".repeat(201);
            assertEquals("the token endpoint " + tokenUrl(idp) + " gave a token of type '" + "x".repeat(200) + "...', not Bearer",
                         assertThrows(IOException.class, tokens::token).getMessage());
        } finally {
            idp.stop(0);
        }
    }

    /** An OAuth2 token endpoint at /token answering 200 with {@code body}'s JSON. */
    private static com.sun.net.httpserver.HttpServer idp(java.util.function.Supplier<String> body) throws IOException {
        com.sun.net.httpserver.HttpServer idp = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/token", exchange -> {
            byte[] bytes = body.get().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        idp.start();
        return idp;
    }

    private static URI tokenUrl(com.sun.net.httpserver.HttpServer idp) {
        return URI.create("http://127.0.0.1:" + idp.getAddress().getPort() + "/token");
    }
}
