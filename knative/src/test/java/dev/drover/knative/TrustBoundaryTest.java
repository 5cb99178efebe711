package dev.drover.knative;

import dev.drover.core.auth.AuthSettings;
import dev.drover.core.function.FunctionKind;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.function.Settings;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import dev.drover.contract.signing.NewSigningKey;
import dev.drover.functions.Catalog;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.functions.trust.MigratorUrls;
import dev.drover.functions.trust.Trust;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The trust boundary of docs/adr/0007-security.md, as the manifests carry it: every function starts with what its
 * Main requires (issuer, signing key; a subscription also Dapr's app token, from the Secret its sidecar sends), every
 * Dapr sidecar's API wants a token, every migrator has an identity of its own (its ServiceAccount, a projected token
 * with the audience the functions check), and the settings the code reads parse and agree with the namespace.
 */
class TrustBoundaryTest {
    static final String SIGNING_SECRET = "drover-signing";
    static final String SIGNING_KEY = "signing-key";
    /** The key Dapr reads from the Secrets its token annotations name. */
    static final String DAPR_TOKEN_KEY = "token";
    /** pg-credential-rotation's admin connection to the PostgreSQL cluster whose credentials it rotates. */
    static final String PG_ADMIN_SECRET = "pg-credential-rotation-admin";
    /** A real key where the operator's Secret drover-signing would be: the code parses it. */
    private static final String SAMPLE_SIGNING_KEY = SigningKeys.generate().secretJson();

    static List<Manifests> rendered() {
        return Manifests.all();
    }

    /** What the tests put where a Secret's value would be. */
    static String secretValue(String secret, String key) {
        return switch (secret + "/" + key) {
            case SIGNING_SECRET + "/" + SIGNING_KEY -> SAMPLE_SIGNING_KEY;
            case "drover-redis/url" -> "redis://:password@redis.invalid:6379";
            case PG_ADMIN_SECRET + "/url" -> "jdbc:postgresql://postgres.invalid:5432/postgres";
            default -> "value-of-" + secret + "-" + key;
        };
    }

    /** The namespace the manifests are for: the overlay's, or drover, which the base's addresses assume. */
    static String namespace(Manifests manifests) {
        return Optional.ofNullable(manifests.config().getMetadata().getNamespace()).orElse("drover");
    }

    static Workload workload(Manifests manifests, String name) {
        return Workload.all(manifests).stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(manifests + ": no workload " + name));
    }

    static Map<String, String> environment(Manifests manifests, Workload workload) {
        return workload.environment(manifests, namespace(manifests), TrustBoundaryTest::secretValue);
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyFunctionHasTheIssuerAndOnlyTheSignersTheSigningKeyAndStartsWithItsEnvironment(Manifests manifests) {
        for (FunctionSpec spec : Functions.specs()) {
            Workload function = workload(manifests, spec.name());
            boolean signs = Catalog.usesSigningKey(spec.name());
            if (signs) {
                assertSecret(manifests, function, "DROVER_SIGNING_KEY", SIGNING_SECRET, SIGNING_KEY);
            } else {
                // Least privilege: a function that never reads the key cannot leak it or sign with it if taken over.
                assertTrue(function.env("DROVER_SIGNING_KEY").isEmpty(),
                           manifests + ": " + function + " never signs and must not be given the signing key");
            }
            Map<String, String> env = environment(manifests, function);
            // What Main does before it serves anything: a process missing or misreading a setting stops there.
            Trust trust;
            try {
                Settings.fromEnvironment(env);
                trust = Trust.fromEnvironment(env);
                if (signs) {
                    trust.keys(); // what a function that signs reads as it is built
                }
            } catch (IllegalArgumentException e) {
                throw new AssertionError(manifests + ": " + function + " would refuse to start: " + e.getMessage(), e);
            }
            assertHttps(manifests, function, "DROVER_OIDC_ISSUER", trust.auth().issuer());
            assertHttps(manifests, function, "DROVER_MIGRATOR_ISSUER", trust.auth().migratorIssuer());
            if (spec.kind() == FunctionKind.SUBSCRIPTION) {
                assertTrue(trust.auth().appApiToken().isPresent(),
                           manifests + ": subscription " + spec.name() + " needs APP_API_TOKEN, or it refuses to start");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void subscriptionsTakeTheAppTokenFromTheSecretTheirSidecarSends(Manifests manifests) {
        for (FunctionSpec spec : Functions.specs()) {
            Workload function = workload(manifests, spec.name());
            if (spec.kind() == FunctionKind.SUBSCRIPTION) {
                String secret = function.annotations().get("dapr.io/app-token-secret");
                assertNotNull(secret, manifests + ": " + function + ": dapr.io/app-token-secret names the Secret whose token "
                        + "the sidecar sends as dapr-api-token");
                assertSecret(manifests, function, "APP_API_TOKEN", secret, DAPR_TOKEN_KEY);
            } else {
                assertTrue(function.env("APP_API_TOKEN").isEmpty() && !function.daprEnabled(),
                           manifests + ": REST function " + spec.name() + " has no sidecar, so no app token");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyDaprSidecarWantsItsApiTokenAndOnlyPublishersHoldIt(Manifests manifests) {
        Map<String, Set<String>> publishing = DaprComponent.scopes(
                DaprComponent.metadataValues(manifests.daprComponents().getFirst()).get("publishingScopes"));
        List<Workload> dapr = Workload.all(manifests).stream().filter(Workload::daprEnabled).toList();
        assertTrue(!dapr.isEmpty(), manifests + ": Dapr-enabled workloads");
        for (Workload workload : dapr) {
            String secret = workload.annotations().get("dapr.io/api-token-secret");
            assertNotNull(secret, manifests + ": " + workload + ": set dapr.io/api-token-secret, or its sidecar's API "
                    + "(publish, state, secrets) answers anyone in the pod");
            assertNotEquals(secret, workload.annotations().get("dapr.io/app-token-secret"),
                            manifests + ": " + workload + ": the sidecar's own token and the one it proves itself with differ");
            String app = workload.annotations().get("dapr.io/app-id");
            if (!publishing.getOrDefault(app, Set.of()).isEmpty()) {
                assertSecret(manifests, workload, "DAPR_API_TOKEN", secret, DAPR_TOKEN_KEY);
            } else {
                assertTrue(workload.env("DAPR_API_TOKEN").isEmpty(),
                           manifests + ": " + workload + " publishes nothing, so it never calls its sidecar: no DAPR_API_TOKEN");
            }
        }
        Workload worker = workload(manifests, "drover-worker");
        assertSecret(manifests, worker, "DROVER_SIGNING_KEY", SIGNING_SECRET, SIGNING_KEY);
        try {
            SigningKeys.fromEnvironment(environment(manifests, worker));
        } catch (IllegalArgumentException e) {
            throw new AssertionError(manifests + ": the worker would refuse to start: " + e.getMessage(), e);
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyMigratorRunsAsItsOwnServiceAccountWithAProjectedTokenForDrover(Manifests manifests) {
        AuthSettings auth = AuthSettings.fromEnvironment(manifests.config().getData());
        String namespace = namespace(manifests);
        assertEquals("system:serviceaccount:" + namespace + ":", auth.migratorPrefix(),
                     manifests + ": DROVER_MIGRATOR_SUBJECT_PREFIX must name the namespace the migrators' ServiceAccounts are in");

        Set<String> accounts = manifests.of(ServiceAccount.class).stream().map(a -> a.getMetadata().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Manifests.migrators()), accounts,
                     manifests + ": one ServiceAccount per migrator, named after its app id, and none else (functions need none)");

        for (String app : Manifests.migrators()) {
            Workload migrator = workload(manifests, app);
            assertEquals(Optional.of(app), migrator.serviceAccountName(),
                         manifests + ": " + migrator + " runs as its own ServiceAccount, so its token's subject is "
                                 + auth.migratorPrefix() + app);
            assertEquals(app, migrator.annotations().get("dapr.io/app-id"), manifests + ": " + migrator + ": the app id is the identity");

            String file = environment(manifests, migrator).get("DROVER_TOKEN_FILE");
            assertNotNull(file, manifests + ": " + migrator + " needs DROVER_TOKEN_FILE, the token it proves itself with");
            VolumeMount mount = migrator.mountHolding(file)
                    .orElseThrow(() -> new AssertionError(manifests + ": " + migrator + ": DROVER_TOKEN_FILE=" + file + " is on no volume"));
            assertEquals(Boolean.TRUE, mount.getReadOnly(), manifests + ": " + migrator + ": the token volume is mounted read-only");
            Volume volume = migrator.volume(mount.getName()).orElseThrow();
            assertNotNull(volume.getProjected(), manifests + ": " + migrator + ": the token is a projected ServiceAccount token");
            List<ServiceAccountTokenProjection> tokens = volume.getProjected().getSources().stream()
                    .map(VolumeProjection::getServiceAccountToken).filter(Objects::nonNull).toList();
            assertEquals(1, tokens.size(), manifests + ": " + migrator + ": one ServiceAccount token in volume " + volume.getName());
            ServiceAccountTokenProjection token = tokens.getFirst();
            assertEquals(file, mount.getMountPath().replaceFirst("/$", "") + "/" + token.getPath(),
                         manifests + ": " + migrator + ": DROVER_TOKEN_FILE is the projected token's path");
            assertEquals(auth.migratorAudience(), token.getAudience(),
                         manifests + ": " + migrator + ": the token's audience is what the functions accept (DROVER_MIGRATOR_AUDIENCE)");
            assertTrue(token.getExpirationSeconds() != null && token.getExpirationSeconds() >= 600 && token.getExpirationSeconds() <= 3600,
                       manifests + ": " + migrator + ": a short-lived token (10 minutes, Kubernetes' least, to an hour)");
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void onlyMigratorsCarryAnIdentityTokenAndRestFunctionsNoneAtAll(Manifests manifests) {
        Set<String> migrators = Set.copyOf(Manifests.migrators());
        for (Workload workload : Workload.all(manifests)) {
            if (migrators.contains(workload.name())) {
                continue;
            }
            assertTrue(workload.serviceAccountName().isEmpty(), manifests + ": " + workload + " needs no ServiceAccount of its own");
            assertTrue(workload.volumes().stream().noneMatch(v -> v.getProjected() != null && v.getProjected().getSources().stream()
                               .anyMatch(s -> s.getServiceAccountToken() != null)),
                       manifests + ": " + workload + " mounts a ServiceAccount token, which only migrators need");
        }
        for (FunctionSpec spec : Functions.specs()) {
            if (spec.kind() != FunctionKind.SUBSCRIPTION) {
                assertEquals(Optional.of(false), workload(manifests, spec.name()).automountToken(),
                             manifests + ": REST function " + spec.name() + " calls no Kubernetes API: automountServiceAccountToken false");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void theMigratorUrlAllowlistAdmitsEveryMigratorAndNothingOutsideTheNamespace(Manifests manifests) {
        MigratorUrls allowed = MigratorUrls.fromEnvironment(manifests.config().getData());
        for (String app : Manifests.migrators()) {
            String url = environment(manifests, workload(manifests, app)).get("MIGRATOR_URL");
            assertNotNull(url, manifests + ": " + app + " announces MIGRATOR_URL");
            assertEquals(Optional.empty(), allowed.refusal(url),
                         manifests + ": migration-dry-run would refuse " + app + "'s own address (DROVER_MIGRATOR_URLS)");
        }
        for (String elsewhere : List.of("http://redis.kube-system.svc.cluster.local:6379", "http://169.254.169.254/latest",
                                        "http://kubernetes.default.svc.cluster.local")) {
            assertTrue(allowed.refusal(elsewhere).isPresent(),
                       manifests + ": DROVER_MIGRATOR_URLS lets the dry-run proxy reach " + elsewhere);
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void theFunctionsTruststoreIsAnOptionalReadOnlySecret(Manifests manifests) {
        for (FunctionSpec spec : Functions.specs()) {
            Workload function = workload(manifests, spec.name());
            String options = function.env("JAVA_TOOL_OPTIONS").map(e -> e.getValue()).orElse("");
            String store = java.util.Arrays.stream(options.split("\\s+"))
                    .filter(o -> o.startsWith("-Djavax.net.ssl.trustStore="))
                    .map(o -> o.substring("-Djavax.net.ssl.trustStore=".length()))
                    .findFirst().orElseThrow(() -> new AssertionError(manifests + ": " + function + ": no truststore in JAVA_TOOL_OPTIONS"));
            VolumeMount mount = function.mountHolding(store)
                    .orElseThrow(() -> new AssertionError(manifests + ": " + function + ": the truststore " + store + " is on no volume"));
            assertEquals(Boolean.TRUE, mount.getReadOnly(), manifests + ": " + function + ": truststore read-only");
            Volume volume = function.volume(mount.getName()).orElseThrow();
            assertNotNull(volume.getSecret(), manifests + ": " + function + ": the truststore is a Secret");
            // Without the Secret the mount is empty, the JDK finds no file there and keeps its own CAs.
            assertEquals(Boolean.TRUE, volume.getSecret().getOptional(), manifests + ": " + function + ": the truststore is optional");
        }
    }

    /** The README's recipe for the signing key, run as an operator would, makes a key the platform takes and that signs. */
    @Test
    void theReadmesOpensslRecipeMakesASigningKeyThatSignsAndVerifies(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Manifests.ROOT.resolve("README.md"));
        Matcher blocks = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(readme);
        String recipe = null;
        while (blocks.find() && recipe == null) {
            recipe = blocks.group(1).contains("openssl ecparam") ? blocks.group(1) : null;
        }
        assertNotNull(recipe, "knative/README.md has a bash block with the openssl recipe for the signing key");
        assertTrue(!recipe.contains("kubectl"), "the recipe block only makes the key");
        assumeTrue(runs(dir, "openssl", "version"), "openssl is not installed");

        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", recipe).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bash.waitFor(60, TimeUnit.SECONDS), "the recipe took over a minute");
        assertEquals(0, bash.exitValue(), "the recipe failed: " + output);
        assertEquals("", output, "the recipe says nothing when all is well");
        assertTrue(!Files.exists(dir.resolve("key.der")), "the recipe leaves no key file but signing-key.json");
        assertSignsAndVerifies(Files.readString(dir.resolve("signing-key.json")));
    }

    @Test
    void newSigningKeyPrintsASigningKeyThatSignsAndVerifies() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            NewSigningKey.main(new String[0]);
        } finally {
            System.setOut(out);
        }
        assertSignsAndVerifies(printed.toString(StandardCharsets.UTF_8));
    }

    /** What the platform takes as DROVER_SIGNING_KEY, whose private key matches the public one migrators get. */
    private static void assertSignsAndVerifies(String json) throws Exception {
        SigningKeys keys = SigningKeys.fromEnvironment(Map.of(SigningKeys.ENV, json));
        ECKey key = (ECKey) JWKSet.parse(json).getKeys().getFirst();
        assertTrue(key.isPrivate() && key.getKeyID() != null && key.getKeyID().startsWith("drover-"), "a private key with a kid");
        JWSObject signed = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), new Payload("drover"));
        signed.sign(new ECDSASigner(key));
        ECKey published = (ECKey) keys.publicKeys().getKeyByKeyId(key.getKeyID());
        assertNotNull(published, "GET /platform/keys would publish the key");
        assertTrue(!published.isPrivate(), "only the public part is published");
        assertTrue(signed.verify(new ECDSAVerifier(published)), "what the private key signs, the published key verifies");
    }

    private static boolean runs(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void assertSecret(Manifests manifests, Workload workload, String variable, String secret, String key) {
        Optional<SecretKeySelector> ref = workload.secretOf(variable);
        if (ref.isEmpty()) {
            fail(manifests + ": " + workload + " must take " + variable + " from Secret " + secret + " (key " + key + ")");
        }
        assertEquals(secret + "/" + key, ref.get().getName() + "/" + ref.get().getKey(),
                     manifests + ": " + workload + ": " + variable + " comes from Secret " + secret + ", key " + key);
        assertTrue(ref.get().getOptional() == null || !ref.get().getOptional(),
                   manifests + ": " + workload + ": " + variable + " is required, not optional");
    }

    private static void assertHttps(Manifests manifests, Workload workload, String variable, URI issuer) {
        assertEquals("https", issuer.getScheme(), manifests + ": " + workload + ": " + variable + "=" + issuer
                + ": an issuer's keys are fetched over TLS, or anyone on the path could swap them");
    }
}
