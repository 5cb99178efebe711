package dev.drover.knative;

import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.auth.Role;
import dev.drover.issuer.DevIssuer;
import io.temporal.testserver.TestServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The JDK AOT caches of the images of functions (docs/adr/0017-cold-start.md), each trained at package into its
 * module's {@code target/aot}: a cache the JVM rejects is silently ignored in production (the start is simply slow
 * again), so what makes it valid is checked here: it was trained on the image's class path and flags, and this JDK
 * maps it for a function started from the same layout under another root, as the image has it under {@code /app}.
 */
class AotCacheTest {
    /** An image of functions: its module, its main class, and one of its functions to start (with what it needs). */
    record Image(String name, Path module, String mainClass, Map<String, String> env) {
        Path aot() {
            return module.resolve("target/aot");
        }

        @Override
        public String toString() {
            return name + " (" + env.get("FUNCTION") + ")";
        }
    }

    private static final String SIGNING_KEY = SigningKeys.generate().secretJson();

    /** One function of each cache of each image: its readiness asks Redis (the machine's) unless it uses none. */
    static final List<Image> STARTS = List.of(
            new Image("drover-functions", Manifests.ROOT.resolve("../functions/app"), "dev.drover.functions.Main",
                      Map.of("FUNCTION", "platform-keys", "DROVER_SIGNING_KEY", SIGNING_KEY)),
            new Image("drover-functions", Manifests.ROOT.resolve("../functions/app"), "dev.drover.functions.Main",
                      Map.of("FUNCTION", "dead-letters", "REDIS_URL", "redis://127.0.0.1:6379", "TEMPORAL_ADDRESS", "127.0.0.1:1",
                             "DROVER_SIGNING_KEY", SIGNING_KEY)),
            new Image("drover-reads", Manifests.ROOT.resolve("../functions/reads"), "dev.drover.functions.reads.ReadMain",
                      Map.of("FUNCTION", "migration-get", "REDIS_URL", "redis://127.0.0.1:6379")),
            new Image("drover-writes", Manifests.ROOT.resolve("../functions/writes"), "dev.drover.functions.writes.WriteMain",
                      Map.of("FUNCTION", "candidates-submit", "REDIS_URL", "redis://127.0.0.1:6379")),
            new Image("drover-history-reads", Manifests.ROOT.resolve("../functions/history-reads"),
                      "dev.drover.functions.historyreads.HistoryReadMain",
                      Map.of("FUNCTION", "history-totals", "REDIS_URL", "redis://127.0.0.1:6379",
                             "HISTORY_DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere")),
            new Image("drover-runs", Manifests.ROOT.resolve("../functions/runs"), "dev.drover.functions.runs.RunMain",
                      Map.of("FUNCTION", "candidate-start", "REDIS_URL", "redis://127.0.0.1:6379", "TEMPORAL_ADDRESS", "127.0.0.1:1",
                             "DROVER_SIGNING_KEY", SIGNING_KEY)),
            new Image("drover-console", Manifests.ROOT.resolve("../functions/console"), "dev.drover.console.ConsoleMain",
                      Map.of("FUNCTION", "console", "DROVER_SIGNING_KEY", SIGNING_KEY, "DROVER_API_URL", "http://127.0.0.1:1")));

    /** Each image once (its first start above). */
    static final List<Image> IMAGES = List.copyOf(STARTS.stream()
            .collect(java.util.stream.Collectors.toMap(Image::name, image -> image, (first, other) -> first, java.util.LinkedHashMap::new))
            .values());

    @ParameterizedTest
    @FieldSource("IMAGES")
    void theCacheWasTrainedOnTheImagesClassPathAndFlags(Image image) throws Exception {
        Path aot = image.aot();
        assertTrue(Files.isRegularFile(aot.resolve("image/drover.aot")), aot + " holds no cache: `package` trains it (without -Ddrover.aot.skip)");
        List<String> entrypoint = ImageConfigTest.entrypoint(image.module());
        assertTrue(entrypoint.contains("-XX:AOTCache=/app/drover.aot"), "the image starts with its cache: " + entrypoint);

        List<String> trained = Arrays.asList(Files.readString(aot.resolve("classpath.txt")).trim().split(":"));
        assertEquals(imageClassPath(image), trained, "the cache's class path is the image's, jar for jar, in order");

        List<String> imageFlags = new ArrayList<>(entrypoint.subList(1, entrypoint.indexOf("-cp")));
        imageFlags.removeIf(flag -> flag.startsWith("-XX:AOTCache=") || flag.startsWith("-Duser.home="));
        assertEquals(imageFlags, Files.readAllLines(aot.resolve("flags.txt")), "trained with the image's JVM flags");
    }

    /**
     * Each of the image's functions has the cache its Service names (Catalog.aotCache, CatalogManifestTest), trained on
     * that kind of function ({@code caches.txt}: {@code <cache>=<functions>}, none listed for every function).
     */
    @ParameterizedTest
    @FieldSource("IMAGES")
    void eachFunctionsCacheIsInTheImageAndWasTrainedOnItsKind(Image image) throws Exception {
        Path aot = image.aot();
        Map<String, List<String>> trainedOn = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(aot.resolve("caches.txt"))) {
            String functions = line.substring(line.indexOf('=') + 1);
            trainedOn.put(line.substring(0, line.indexOf('=')), functions.isEmpty() ? List.of() : List.of(functions.split(",")));
            assertTrue(Files.isRegularFile(aot.resolve("image").resolve(line.substring(0, line.indexOf('=')))), aot + ": " + line);
        }
        List<String> functions = dev.drover.functions.Catalog.names().stream()
                .filter(name -> dev.drover.functions.Catalog.image(name).equals(image.name())).toList();
        assertTrue(!functions.isEmpty(), image.name());
        for (String function : functions) {
            String cache = dev.drover.functions.Catalog.aotCache(function);
            List<String> kind = trainedOn.get(cache);
            assertTrue(kind != null && (kind.isEmpty() || kind.contains(function)),
                       image.name() + ": " + function + "'s cache " + cache + " was trained on " + kind + " (" + trainedOn + ")");
            trainedOn.forEach((other, on) -> assertTrue(other.equals(cache) || !on.contains(function),
                                                        function + " trained into " + other + " as well as " + cache));
        }
    }

    /**
     * Scale-to-zero functions run with the image's flags (C1 only); always-on ones with {@code _JAVA_OPTIONS} lifting
     * that limit (JitByKindTest): each cache serves both. A function whose kind has a cache other than the image's
     * default names it in {@code _JAVA_OPTIONS}, after the command line's, as its Service does.
     */
    @ParameterizedTest
    @MethodSource("imagesAndJavaOptions")
    void aFunctionStartsWithTheCacheFromTheImagesLayoutUnderAnotherRoot(Image image, String javaOptions, @TempDir Path root) throws Exception {
        Launched launched = launch(image, javaOptions, root, List.of(), Map.of("DROVER_OIDC_ISSUER", "https://idp.example.com/realms/drover"));
        try {
            launched.awaitReady();
        } finally {
            launched.stop();
        }
        String output = Files.readString(launched.log(), StandardCharsets.UTF_8);
        assertFalse(output.contains("Exception in thread"), "the function stopped cleanly: " + output);
        // gRPC's Netty (the run functions' and dead-letters' Temporal client) calls sun.misc.Unsafe and loads a native
        // library at start: without the image's flags saying so, the JDK warns in eight lines on stderr
        assertFalse(output.contains("WARNING: A terminally deprecated method") || output.contains("WARNING: A restricted method"),
                    "no JDK warning in the pod's log: " + output);
    }

    /**
     * What a cold function's first answer loads comes from its image's cache, so that the answer does not wait for it
     * (ADR 0017): the caller's token verified (its issuer's keys fetched, an RS256 signature checked, as most identity
     * providers sign) and, in a function that runs, the connection to Temporal it makes as it starts. The training asks
     * with tokens of an issuer of its own and against Temporal's test server; the JVM logs a class it takes from the
     * cache with "source: shared objects file", one it loads from a jar with the jar's path.
     */
    @ParameterizedTest
    @FieldSource("VERIFYING")
    void aFirstAnswersVerificationAndTemporalConnectionComeFromTheImagesCache(Image image, @TempDir Path root) throws Exception {
        Path classes = root.resolve("classes.log");
        int temporalPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            temporalPort = socket.getLocalPort();
        }
        try (DevIssuer issuer = DevIssuer.start("127.0.0.1", 0);
             TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(temporalPort)) {
            Launched launched = launch(image, "", root, List.of("-Xlog:class+load=info:file=" + classes),
                                       Map.of("DROVER_OIDC_ISSUER", issuer.issuer().toString(), "TEMPORAL_ADDRESS", "127.0.0.1:" + temporalPort));
            try {
                launched.awaitReady();
                HttpResponse<String> answer = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launched.port() + "/openapi.yaml"))
                                .header("authorization", "Bearer " + issuer.userToken("ann", Role.ADMIN)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), "the admin's token was verified: " + answer.body());
                if (image.name().equals("drover-runs")) {
                    launched.awaitLog("connected to Temporal");
                }
            } finally {
                launched.stop();
            }
        }
        String loaded = Files.readString(classes, StandardCharsets.UTF_8);
        // the issuer's keys parsed, an RSA key among them, and the RS256 verification (loaded only when one is checked)
        List<String> expected = new ArrayList<>(List.of("com.nimbusds.jose.jwk.JWKSet", "com.nimbusds.jose.jwk.RSAKey",
                                                        "com.nimbusds.jose.crypto.impl.RSASSA"));
        if (image.name().equals("drover-runs")) {
            expected.add("io.temporal.api.workflowservice.v1.GetSystemInfoResponse");
        }
        for (String name : expected) {
            Matcher line = Pattern.compile("\\] " + Pattern.quote(name) + " source: (.*)").matcher(loaded);
            assertTrue(line.find(), name + " was loaded");
            assertEquals("shared objects file", line.group(1).trim(), name + " came from the image's cache, not from " + line.group(1));
        }
    }

    /** One function of each image whose callers are people and migrators with tokens (not the console's, not Dapr's). */
    static final List<Image> VERIFYING = STARTS.stream()
            .filter(image -> List.of("drover-reads", "drover-writes", "drover-history-reads", "drover-runs").contains(image.name())).toList();

    /** A function started from its image's layout under a root of the test's, as its Service starts it. */
    private record Launched(Process process, int port, Path log) {
        void awaitReady() throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (true) {
                if (!process.isAlive()) {
                    fail("the function did not start with the cache (exit " + process.exitValue() + "): " + Files.readString(log));
                }
                try {
                    int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).build(),
                                           HttpResponse.BodyHandlers.discarding()).statusCode();
                    assertEquals(2, status / 100, "ready: " + status);
                    return;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        fail("not ready within 2 minutes: " + Files.readString(log));
                    }
                    Thread.sleep(50);
                }
            }
        }

        void awaitLog(String text) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
                if (System.nanoTime() > deadline) {
                    fail("the function never logged '" + text + "': " + Files.readString(log, StandardCharsets.ISO_8859_1));
                }
                Thread.sleep(50);
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts one of the image's functions from its layout copied under {@code root} with the cache its Service names,
     * the image's entrypoint flags, then {@code flags}; {@code env} over the image's and the test's defaults.
     */
    private static Launched launch(Image image, String javaOptions, Path root, List<String> flags, Map<String, String> env) throws Exception {
        Path aot = image.aot();
        Path app = root.resolve("app");
        List<String> classPath = new ArrayList<>();
        for (String jar : Files.readString(aot.resolve("classpath.txt")).trim().split(":")) {
            Path target = app.resolve(jar.substring("/app/".length()));
            Files.createDirectories(target.getParent());
            Path source = aot.resolve(jar.substring(1));
            Files.copy(source, target);
            Files.setLastModifiedTime(target, Files.getLastModifiedTime(source));
            classPath.add(target.toString());
        }
        for (String file : List.of("drover.aot", dev.drover.functions.Catalog.aotCache(image.env().get("FUNCTION")))) {
            if (!Files.exists(app.resolve(file))) {
                Files.copy(aot.resolve("image").resolve(file), app.resolve(file));
            }
        }
        // As the Service starts it: the image's default cache on the command line, its own kind's in _JAVA_OPTIONS
        String cache = dev.drover.functions.Catalog.aotCache(image.env().get("FUNCTION"));
        if (!cache.equals("drover.aot")) {
            javaOptions = (javaOptions + " -XX:AOTCache=" + app.resolve(cache)).trim();
        }

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> entrypoint = ImageConfigTest.entrypoint(image.module());
        for (String flag : entrypoint.subList(1, entrypoint.indexOf("-cp"))) {
            command.add(flag.equals("-XX:AOTCache=/app/drover.aot") ? "-XX:AOTCache=" + app.resolve("drover.aot") : flag.replace("/tmp", root.toString()));
        }
        // Refuse to start at all if the cache does not map: "auto", the default, would start without it, unnoticed.
        command.add("-XX:AOTMode=on");
        command.addAll(flags);
        command.addAll(List.of("-cp", String.join(":", classPath), image.mainClass()));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = root.resolve("function.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("_JAVA_OPTIONS");
        if (!javaOptions.isEmpty()) {
            builder.environment().put("_JAVA_OPTIONS", javaOptions);
        }
        builder.environment().putAll(image.env());
        builder.environment().put("DROVER_PORT", Integer.toString(port));
        builder.environment().put("DROVER_OIDC_AUDIENCE", "drover");
        builder.environment().putAll(env);
        return new Launched(builder.start(), port, log);
    }

    static Stream<Arguments> imagesAndJavaOptions() {
        return STARTS.stream().flatMap(image -> Stream.of(Arguments.of(image, ""), Arguments.of(image, JitByKindTest.ALWAYS_ON)));
    }

    /** The image's class path (its jib-classpath-file), the one-jar wildcard of its own classes spelt out. */
    private static List<String> imageClassPath(Image image) throws IOException {
        String file = new String(ImageConfigTest.imageFile(image.module(), "app/jib-classpath-file"), StandardCharsets.UTF_8).trim();
        List<String> paths = new ArrayList<>();
        for (String entry : file.split(":")) {
            if (entry.equals("/app/classpath/*")) {
                // Jib's folder of the project's own jar: that jar alone
                try (Stream<Path> jars = Files.list(image.module().resolve("target"))) {
                    jars.filter(jar -> jar.getFileName().toString().matches(image.name() + "-.*\\.jar"))
                            .forEach(jar -> paths.add("/app/classpath/" + jar.getFileName()));
                }
            } else {
                paths.add(entry);
            }
        }
        return paths;
    }
}
