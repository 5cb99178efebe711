import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Trains the functions image's JDK AOT cache at build time (docs/adr/0017-cold-start.md), with the JDK that runs the
 * build, which is the image's (its base is derived from it: the root pom's drover.image.base).
 *
 * <p>A cache is valid only for the class path it was trained on, so this lays the jars out as Jib does in the image
 * ({@code /app/classpath/<the project's jar>}, then {@code /app/libs/<each dependency>}, in Maven's order, files dated
 * as Jib dates them), under {@code <out>/app}, and runs the image's functions there with the image's JVM flags and
 * {@code -XX:AOTCacheOutput} (both recorded: {@code <out>/classpath.txt}, {@code flags.txt}): a process starts,
 * answers a few rounds of requests on the usual paths, and stops on SIGTERM, when the JVM writes the cache. The
 * requests' tokens come from an identity provider of the training's own ({@code TrainingIssuer}), so that they are
 * verified as in a cluster; no store is needed (what a function would reach answers 503, a path worth training too).
 *
 * <p>An image has one cache or several ({@code -Ddrover.aot.caches}, recorded in {@code <out>/caches.txt}): a bare
 * name ({@code drover}) is one cache trained on a process of every function; {@code name=f1,f2;name2=f3} trains each
 * on a process serving those functions alone ({@code FUNCTION=f1,f2}), written to {@code <out>/image/<name>.aot}. A JDK
 * 25 cache loads every class it holds as the JVM starts, so a function started with the cache of every function
 * loads theirs too (docs/adr/0017-cold-start.md); a Knative Service picks its kind's cache ({@code _JAVA_OPTIONS}). The JDK
 * accepts the cache when the same layout sits under another root ({@code /app} in the image); {@code AotCacheTest}
 * (knative) checks that, and that this class path is the image's.
 *
 * <p>An image whose functions connect to Temporal as they start ({@code drover-runs}) is trained against Temporal's test
 * server ({@code -Ddrover.aot.temporal}: a file holding a class path with temporal-test-server), started here on a free
 * port, so that its cache holds what a connection loads (0.4 to 0.6 s of a cold run function's first answer without it,
 * ADR 0017); {@code -Ddrover.aot.expect} names the line the training run must log first (that it connected).
 *
 * <p>Run by the build ({@code java [-Ddrover.aot.caches=...] [-Ddrover.aot.temporal=FILE] [-Ddrover.aot.expect=LINE]
 * functions/src/aot/AotTraining.java OUT MAIN PROJECT_JAR CLASSPATH_FILE FLAG...}); JDK classes only, since it runs
 * before anything else is on its class path: its issuer signs its tokens with the JDK's own {@code Signature}.
 */
public final class AotTraining {
    /** Jib's default file modification time (jib.container.filesModificationTime): epoch plus one second. */
    private static final FileTime JIB_TIME = FileTime.fromMillis(1000);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: AotTraining OUT MAIN_CLASS PROJECT_JAR CLASSPATH_FILE [JVM_FLAG...]");
            System.exit(2);
        }
        Path out = Path.of(args[0]).toAbsolutePath();
        String mainClass = args[1];
        Path projectJar = Path.of(args[2]);
        List<Path> dependencies = Arrays.stream(Files.readString(Path.of(args[3])).trim().split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
        List<String> flags = List.of(args).subList(4, args.length);

        Path app = out.resolve("app");
        deleteTree(out);
        List<String> imagePaths = new ArrayList<>();
        List<String> classPath = new ArrayList<>();
        imagePaths.add("/app/classpath/" + projectJar.getFileName());
        for (Path dependency : dependencies) {
            if (!Files.isRegularFile(dependency)) {
                throw new IllegalStateException(dependency + " is not a jar (build with `package`, so each module's jar exists)");
            }
            imagePaths.add("/app/libs/" + dependency.getFileName());
        }
        for (int i = 0; i < imagePaths.size(); i++) {
            Path source = i == 0 ? projectJar : dependencies.get(i - 1);
            Path target = app.resolve(imagePaths.get(i).substring("/app/".length()));
            Files.createDirectories(target.getParent());
            Files.copy(source, target);
            Files.setLastModifiedTime(target, JIB_TIME);
            classPath.add(target.toString());
        }
        Files.createDirectories(out.resolve("image"));
        List<String> trained = new ArrayList<>();
        String temporalClassPath = System.getProperty("drover.aot.temporal", "");
        String expect = System.getProperty("drover.aot.expect", "");
        Process temporal = null;
        String temporalAddress = "127.0.0.1:1"; // nothing listens there
        TrainingIssuer issuer = TrainingIssuer.start();
        try {
            if (!temporalClassPath.isBlank()) {
                int port = freePort();
                temporal = startTemporal(out, Files.readString(Path.of(temporalClassPath)).trim(), port);
                temporalAddress = "127.0.0.1:" + port;
            }
            for (String spec : System.getProperty("drover.aot.caches", "drover").split(";")) {
                // name=f1,f2: a cache trained on a process serving those functions; a bare name: on one serving all of them
                String name = spec.contains("=") ? spec.substring(0, spec.indexOf('=')).trim() : spec.trim();
                String functions = spec.contains("=") ? spec.substring(spec.indexOf('=') + 1).trim() : "";
                Path cache = out.resolve("image/" + name + ".aot");
                train(out, cache, name, functions, flags, classPath, mainClass, issuer, temporalAddress, expect);
                trained.add(name + ".aot=" + functions);
            }
        } finally {
            issuer.server().stop(0);
            if (temporal != null) {
                temporal.destroy();
                if (!temporal.waitFor(1, TimeUnit.MINUTES)) {
                    temporal.destroyForcibly();
                }
            }
        }
        Files.write(out.resolve("classpath.txt"), List.of(String.join(":", imagePaths)));
        Files.write(out.resolve("flags.txt"), flags);
        Files.write(out.resolve("caches.txt"), trained);
    }

    /**
     * Trains one cache: a process serving {@code functions} (all when empty) with {@code -XX:AOTCacheOutput}, a few
     * rounds of requests, then SIGTERM, when the JVM writes the cache.
     */
    private static void train(Path out, Path cache, String name, String functions, List<String> flags, List<String> classPath,
                              String mainClass, TrainingIssuer issuer, String temporalAddress, String expect) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-XX:AOTCacheOutput=" + cache);
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, classPath));
        command.add(mainClass);
        int port = freePort();
        Path log = out.resolve("training-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        if (functions.isEmpty()) {
            env.remove("FUNCTION"); // every function, so the cache holds what any one of them loads
        } else {
            env.put("FUNCTION", functions); // these alone: a cache holds, and loads at start, only what they load
        }
        env.put("DROVER_PORT", Integer.toString(port));
        env.put("DROVER_SIGNING_KEY", signingKey());
        env.put("APP_API_TOKEN", "aot-training");
        env.put("DROVER_OIDC_ISSUER", issuer.url());
        env.put("DROVER_OIDC_AUDIENCE", "drover");
        env.put("DROVER_MIGRATOR_ISSUER", issuer.url());
        env.put("DROVER_MIGRATOR_AUDIENCE", "drover");
        // The console, trained alone, must be told where the API is (it is not called while training).
        env.put("DROVER_API_URL", "http://127.0.0.1:1");
        // Nothing listens at Redis (nor at Temporal, unless the image is trained against one): what a function would
        // reach answers 503, which is still a path worth training.
        env.put("REDIS_URL", "redis://127.0.0.1:1");
        env.put("TEMPORAL_ADDRESS", temporalAddress);
        // PostgreSQL, as deployed (a function connects when first asked); the default, an in-memory H2 migrated at
        // start, is the local stack's, and its one-second connection wait failed the training on a loaded machine.
        env.put("HISTORY_DB_URL", "jdbc:postgresql://127.0.0.1:1/drover");
        long began = System.nanoTime();
        Process process = builder.start();
        try {
            awaitListening(process, port);
            if (!expect.isBlank()) {
                awaitLine(process, log, expect);
            }
            for (int round = 0; round < 20; round++) {
                for (String path : List.of("/observe/health/live", "/observe/health/ready", "/observe/metrics", "/openapi.yaml",
                                           "/migrations", "/migrations/aot", "/migrations/aot/candidates?limit=50",
                                           "/migrations/aot/candidates/c", "/platform/keys", "/console", "/dapr/subscribe",
                                           "/history/totals?migration=aot", "/history/burndown?migration=aot")) {
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET(), round, issuer);
                }
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/migrations/aot/candidates"))
                             .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"c\"}]")), round, issuer);
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/migrations/aot/candidates/c/inputs"))
                             .header("content-type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"v\":\"1\"}")), round, issuer);
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/migrations/aot/owner"))
                             .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"app\":\"a\"}")), round, issuer);
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/migrations/aot/candidates/c/start"))
                             .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")), round, issuer);
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/event/run-1"))
                             .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"succeeded\"}")), round, issuer);
            }
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the training run wrote no AOT cache; its output: " + log);
        }
        System.out.printf("AOT cache %s (%d MB) trained in %d s on %s, for the class path in %s%n", cache, Files.size(cache) >> 20,
                          (System.nanoTime() - began) / 1_000_000_000L, functions.isEmpty() ? "every function" : "FUNCTION=" + functions,
                          out.resolve("classpath.txt"));
    }

    /**
     * A round's requests carry no token, a bearer token that is no JWT, an admin's or a migrator's from the training's
     * issuer, in turn: both refusals are trained, and so is a verification (the issuer's discovery and keys fetched,
     * the signature checked) and what a function does once it knows its caller.
     */
    private static void send(HttpRequest.Builder request, int round, TrainingIssuer issuer) throws InterruptedException {
        switch (round % 4) {
            case 1 -> request.header("authorization", "Bearer not-a-jwt");
            case 2 -> request.header("authorization", "Bearer " + issuer.adminToken());
            case 3 -> request.header("authorization", "Bearer " + issuer.migratorToken());
            default -> {
            }
        }
        try {
            HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // an answer that fails is as good as any for training; the process must still be there
        }
    }

    private static void awaitListening(Process process, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the training run exited with " + process.exitValue() + " before it listened");
            }
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/live")).build(),
                          HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("the training run did not listen within 5 minutes");
    }

    /**
     * Temporal's test server ({@code io.temporal.testserver.TestServer}, on {@code classPath}) on {@code port}, once it
     * accepts connections, for an image whose functions connect to Temporal as they start ({@code drover-runs}): what
     * they load then is trained too. Its output goes to {@code <out>/temporal.log}.
     */
    private static Process startTemporal(Path out, String classPath, int port) throws Exception {
        Process temporal = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                                              "io.temporal.testserver.TestServer", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(out.resolve("temporal.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!temporal.isAlive()) {
                throw new IllegalStateException("Temporal's test server exited with " + temporal.exitValue() + "; its output: "
                                                        + out.resolve("temporal.log"));
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return temporal;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        temporal.destroyForcibly();
        throw new IllegalStateException("Temporal's test server did not listen on " + port + " within 2 minutes");
    }

    /**
     * Waits for a line of the training run's log ({@code -Ddrover.aot.expect}: for {@code drover-runs}, that it connected to
     * Temporal) before the requests, so that the cache holds what led to it; a training without it fails the build.
     */
    private static void awaitLine(Process process, Path log, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readString(log, StandardCharsets.ISO_8859_1).contains(expected)) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the training run never logged '" + expected + "' (-Ddrover.aot.expect); its output: " + log);
    }

    /**
     * An OIDC issuer on loopback for the training, in this process: its discovery document and JWKS, and two tokens it
     * signed, an admin's and a migrator's. A function fetches its keys on the first token it verifies, as it
     * fetches its identity provider's in a cluster; without them every trained request was refused before any handler
     * (and a cold function's first answer loaded some 1,300 classes the cache did not hold, ADR 0017).
     */
    private record TrainingIssuer(HttpServer server, String url, String adminToken, String migratorToken) {
        static TrainingIssuer start() throws Exception {
            // Both kinds of key a cluster's issuers use: RS256 (most identity providers', Kubernetes' by default) for the
            // admin's token, ES256 for the migrator's, so that both verifiers are trained.
            KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
            rsaGenerator.initialize(2048);
            KeyPair rsa = rsaGenerator.generateKeyPair();
            RSAPublicKey rsaPublic = (RSAPublicKey) rsa.getPublic();
            KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
            ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair ec = ecGenerator.generateKeyPair();
            ECPublicKey ecPublic = (ECPublicKey) ec.getPublic();
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"aot-rsa\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                    + base64.encodeToString(unsigned(rsaPublic.getModulus())) + "\",\"e\":\""
                    + base64.encodeToString(unsigned(rsaPublic.getPublicExponent())) + "\"},"
                    + "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"aot-ec\",\"use\":\"sig\",\"alg\":\"ES256\",\"x\":\""
                    + b64(ecPublic.getW().getAffineX()) + "\",\"y\":\"" + b64(ecPublic.getW().getAffineY()) + "\"}]}";
            String discovery = "{\"issuer\":\"" + url + "\",\"jwks_uri\":\"" + url + "/jwks\",\"authorization_endpoint\":\"" + url
                    + "/authorize\",\"token_endpoint\":\"" + url + "/token\"}";
            server.createContext("/.well-known/openid-configuration", exchange -> answer(exchange, discovery));
            server.createContext("/jwks", exchange -> answer(exchange, jwks));
            server.start();
            long now = System.currentTimeMillis() / 1000;
            String claims = "\"iss\":\"" + url + "\",\"aud\":\"drover\",\"iat\":" + now + ",\"exp\":" + (now + 3600);
            return new TrainingIssuer(server, url,
                                      jwt(rsa, "RS256", "aot-rsa", "SHA256withRSA",
                                          "{\"sub\":\"aot\",\"preferred_username\":\"aot\",\"roles\":[\"admin\"]," + claims + "}"),
                                      jwt(ec, "ES256", "aot-ec", "SHA256withECDSAinP1363Format",
                                          "{\"sub\":\"system:serviceaccount:drover:aot\"," + claims + "}"));
        }

        /** A JWK's big-endian unsigned integer: BigInteger's bytes without the sign byte it may lead with. */
        private static byte[] unsigned(BigInteger value) {
            byte[] bytes = value.toByteArray();
            return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
        }

        private static void answer(HttpExchange exchange, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        private static String jwt(KeyPair pair, String alg, String kid, String javaAlgorithm, String payload) throws Exception {
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
            String input = base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
            Signature signature = Signature.getInstance(javaAlgorithm);
            signature.initSign(pair.getPrivate());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + base64.encodeToString(signature.sign());
        }
    }

    /** A throwaway EC P-256 signing key as a JWK set, the form DROVER_SIGNING_KEY takes. */
    private static String signingKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        ECPrivateKey key = (ECPrivateKey) pair.getPrivate();
        return "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"aot-training\",\"use\":\"sig\",\"alg\":\"ES256\",\"x\":\""
                + b64(pub.getW().getAffineX()) + "\",\"y\":\"" + b64(pub.getW().getAffineY()) + "\",\"d\":\"" + b64(key.getS()) + "\"}]}";
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int from = Math.max(0, bytes.length - 32);
        System.arraycopy(bytes, from, fixed, 32 - (bytes.length - from), bytes.length - from);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
