package dev.drover.functions;

import dev.drover.core.function.Function;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each function process opens only what its function uses (Main.start, PlatformUse): nothing below is reachable
 * (Redis, Temporal and PostgreSQL all point at closed ports) unless the test says so.
 */
class StartOnlyWhatIsUsedTest {
    private static Map<String, String> env(String function) {
        Map<String, String> env = new HashMap<>();
        env.put("DROVER_PORT", "0");
        env.put("FUNCTION", function);
        env.put("REDIS_URL", "redis://127.0.0.1:1");
        env.put("TEMPORAL_ADDRESS", "127.0.0.1:1");
        env.put("HISTORY_DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere");
        env.put("DROVER_OIDC_ISSUER", TestTrust.ISSUER.issuer().toString());
        env.put("DROVER_SIGNING_KEY", TestTrust.KEYS.secretJson());
        env.put("APP_API_TOKEN", TestTrust.APP_API_TOKEN);
        return env;
    }

    private static int get(Main.Started started, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + started.server().port() + path)).build(),
                                               HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theStepRelayStartsAndIsReadyWithoutRedisOrTheDatabase() throws Exception {
        try (Main.Started relay = Main.start(env("step-relay"))) {
            assertEquals(new PlatformUse(false, false, false), relay.use());
            assertEquals(List.of("step-relay"), relay.functions().stream().map(f -> f.spec().name()).toList());
            int ready = get(relay, "/observe/health/ready");
            assertEquals(2, ready / 100, "ready (" + ready + "): its readiness asks no Redis");
        }
    }

    @Test
    void aRestReadFunctionOpensNeitherTemporalNorTheHistory() {
        Map<String, String> env = env("migrations-list");
        env.put("REDIS_URL", TestState.redisUrl().toString());
        try (Main.Started list = Main.start(env)) {
            assertEquals(new PlatformUse(true, false, false), list.use());
        }
    }

    @Test
    void aRunFunctionStartsAndIsReadyWhileTemporalIsDown() throws Exception {
        Map<String, String> env = env("candidate-start");
        env.put("REDIS_URL", TestState.redisUrl().toString());
        try (Main.Started start = Main.start(env)) {
            assertEquals(new PlatformUse(true, true, false), start.use());
            // Temporal is not there (a closed port): its client connects when first asked, so a run function scaled up
            // while Temporal restarts comes up (and answers 503 runs_unavailable until Temporal does) instead of crashing
            int ready = get(start, "/observe/health/ready");
            assertEquals(2, ready / 100, "ready (" + ready + ")");
        }
    }

    @Test
    void aTemporalAddressThatIsNoAddressStopsARunFunctionAtStartNamingTheSetting() {
        Map<String, String> env = env("candidate-cancel");
        env.put("REDIS_URL", TestState.redisUrl().toString());
        env.put("TEMPORAL_ADDRESS", "127.0.0.1:notaport");
        // gRPC's own words ("Invalid DNS name: 127.0.0.1:notaport") did not say which setting to fix
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Main.start(env));
        assertTrue(refused.getMessage().startsWith("TEMPORAL_ADDRESS=127.0.0.1:notaport is not a Temporal address"), refused.getMessage());
    }

    @Test
    void aProcessServingAFewFunctionsOpensWhatAnyOfThemUses() {
        try (Main.Started two = Main.start(env("platform-keys,history-totals"))) {
            assertEquals(new PlatformUse(true, false, true), two.use());
            assertEquals(List.of("platform-keys", "history-totals"), two.functions().stream().map(f -> f.spec().name()).toList());
        }
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                                                                                          () -> Main.start(env("platform-keys,no-such")));
        assertTrue(refused.getMessage().startsWith("FUNCTION=no-such names no function"), refused.getMessage());
    }

    @Test
    void whatAFunctionHoldsIsWhatItOpens() {
        try (Main.Started keys = Main.start(env("platform-keys"))) {
            assertEquals(new PlatformUse(false, false, false), keys.use());
        }
        // a history function holds the history, yet starts while the database is not there (ADR 0008: it connects when
        // asked, and answers 503 history_unavailable meanwhile)
        try (Main.Started totals = Main.start(env("history-totals"))) {
            assertEquals(new PlatformUse(true, false, true), totals.use());
        }
    }

    @Test
    void exactlyTheFunctionsTheCatalogNamesReadTheSigningKey() {
        // Each function started with a key that does not parse: one that reads the key stops at start, naming it; one
        // that does not starts. The Knative manifests mount the key where the catalog says (TrustBoundaryTest).
        List<String> signers = new java.util.ArrayList<>();
        for (String function : Catalog.names()) {
            Map<String, String> env = env(function);
            env.put("REDIS_URL", TestState.redisUrl().toString());
            env.put("DROVER_API_URL", "http://drover-api.drover.svc.cluster.local"); // the console's
            env.put("DROVER_SIGNING_KEY", "not a key");
            try (Main.Started started = Main.start(env)) {
                assertEquals(List.of(function), started.functions().stream().map(f -> f.spec().name()).toList());
            } catch (IllegalArgumentException refused) {
                org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("DROVER_SIGNING_KEY"),
                                                            function + ": " + refused.getMessage());
                signers.add(function);
            }
            assertEquals(signers.contains(function), Catalog.usesSigningKey(function),
                         function + (signers.contains(function) ? " reads the signing key" : " never reads the signing key"));
        }
        assertEquals(List.of("candidate-start", "step-relay", "dead-letters", "migration-dry-run", "platform-keys", "console"), signers,
                     "the functions that sign, derive callback tokens or check what was signed");
    }

    @Test
    void theConsoleOpensNoStoreAndMustBeToldWhereTheApiIs() {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                                                                                          () -> Main.start(env("console")));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("DROVER_API_URL"), refused.getMessage());
        Map<String, String> env = env("console");
        env.put("DROVER_API_URL", "http://drover-api.drover.svc.cluster.local");
        try (Main.Started console = Main.start(env)) {
            assertEquals(new PlatformUse(false, false, false), console.use());
            assertEquals(List.of("console"), console.functions().stream().map(f -> f.spec().name()).toList());
        }
        env.put("DROVER_API_URL", "file:///etc/passwd");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Main.start(env));
    }

    @Test
    void aSubscriptionRefusesToStartWithoutDaprsAppApiTokenAndARestFunctionNeedsNone() {
        Map<String, String> relay = env("step-relay");
        relay.remove("APP_API_TOKEN");
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Main.start(relay));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().startsWith("APP_API_TOKEN is not set"), refused.getMessage());
        Map<String, String> keys = env("platform-keys");
        keys.remove("APP_API_TOKEN");
        try (Main.Started started = Main.start(keys)) {
            assertEquals(List.of("platform-keys"), started.functions().stream().map(f -> f.spec().name()).toList());
        }
    }

    @Test
    void theCatalogTellsEachFunctionsUse() {
        Platform platform = TestPlatform.withoutRuns(dev.drover.core.state.RedisState.connect(URI.create("redis://127.0.0.1:1"), "unused:"));
        Map<String, PlatformUse> uses = new HashMap<>();
        for (Function f : Catalog.all(platform)) {
            uses.put(f.spec().name(), HeldParts.of(List.of(f), platform));
            assertEquals(uses.get(f.spec().name()), Catalog.uses(java.util.Optional.of(f.spec().name())),
                         f.spec().name() + ": what Catalog declares it uses is what it holds");
        }
        assertEquals(new PlatformUse(true, true, true), HeldParts.of(Catalog.all(platform), platform), "all of them: everything");
        assertEquals(PlatformUse.ALL, Catalog.uses(java.util.Optional.empty()), "the all-in-one process opens everything");
        assertEquals(new PlatformUse(false, false, false), uses.get("step-relay"));
        assertEquals(new PlatformUse(true, true, false), uses.get("candidate-start"),
                     "starts a run; what it records goes to the history outbox in Redis (ADR 0008)");
        assertEquals(new PlatformUse(true, false, true), uses.get("history-totals"));
    }

    @Test
    void eachFunctionIsBuiltAloneFromWhatItDeclares() {
        Platform everything = TestPlatform.withoutRuns(dev.drover.core.state.RedisState.connect(URI.create("redis://127.0.0.1:1"), "unused:"));
        for (String name : Catalog.all(everything).stream().map(f -> f.spec().name()).toList()) {
            PlatformUse declared = Catalog.uses(java.util.Optional.of(name));
            java.util.List<String> asked = new java.util.ArrayList<>();
            Platform refusing = Platform.opening(part(declared.redis(), "redis", asked, everything::state),
                                                 part(declared.runs(), "runs", asked, everything::runs), everything.brokerUrl(),
                                                 part(declared.history(), "history", asked, everything::history), everything.trust(),
                                                 everything.apiUrl(), everything.signIn());
            List<Function> built = Catalog.build(refusing, java.util.Optional.of(name));
            assertEquals(List.of(name), built.stream().map(f -> f.spec().name()).toList(), "FUNCTION=" + name + " builds that one alone");
            assertEquals(List.of(), asked, name + " asked for parts it does not declare");
        }
    }

    /** A platform part that notes, rather than hands out, what a function did not declare. */
    private static <T> java.util.function.Supplier<T> part(boolean declared, String name, List<String> asked, java.util.function.Supplier<T> real) {
        return () -> {
            if (!declared) {
                asked.add(name);
            }
            return real.get();
        };
    }
}
